package org.videoldm.notebook;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ContextLoaderTest {
    private static ClassLoader contextAfterUse(ClassLoader initial) throws InterruptedException {
        AtomicReference<ClassLoader> after = new AtomicReference<>();
        Thread t = new Thread(() -> {
            ContextLoader.useLibraryLoader();
            after.set(Thread.currentThread().getContextClassLoader());
        });
        t.setContextClassLoader(initial);
        t.start();
        t.join();
        return after.get();
    }

    @Test
    void aKernelLoaderThatCannotSeeTheLibraryIsReplaced() throws Exception {
        // Like a kernel's own loader: the JDK's classes only, not the notebook's jars.
        ClassLoader kernelOnly = new URLClassLoader(new URL[0], ClassLoader.getPlatformClassLoader());
        assertFalse(ContextLoader.sees(kernelOnly, ContextLoader.class));
        assertSame(ContextLoader.class.getClassLoader(), contextAfterUse(kernelOnly));
    }

    @Test
    void aLoaderThatSeesTheLibraryIsKept() throws Exception {
        // Like the project's kernel: a child of the library's loader, which it must keep (it also sees the cells).
        ClassLoader child = new URLClassLoader(new URL[0], ContextLoader.class.getClassLoader());
        assertTrue(ContextLoader.sees(child, ContextLoader.class));
        assertSame(child, contextAfterUse(child));
    }
}
