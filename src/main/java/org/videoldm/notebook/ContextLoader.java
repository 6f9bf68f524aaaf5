package org.videoldm.notebook;

/**
 * Makes the calling thread's context class loader one that sees this library. DJL finds its engines with
 * {@code ServiceLoader.load(EngineProvider.class)}, which searches the context class loader; a Jupyter kernel that loads
 * the notebook's jars in a loader of their own (IJava's {@code %jars}) may leave its cell thread on the kernel's
 * loader, where DJL would find no engine. The project's kernel already sets it; a plain JVM needs nothing.
 */
public final class ContextLoader {
    private ContextLoader() {}

    /** Sets the context class loader to the library's when the current one cannot load the library's classes. */
    public static void useLibraryLoader() {
        Thread t = Thread.currentThread();
        if (!sees(t.getContextClassLoader(), ContextLoader.class)) {
            t.setContextClassLoader(ContextLoader.class.getClassLoader());
        }
    }

    static boolean sees(ClassLoader loader, Class<?> c) {
        if (loader == null) {
            return false;
        }
        try {
            return Class.forName(c.getName(), false, loader) == c;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
