package org.videoldm.kernel;

import io.github.spencerpark.jupyter.kernel.display.DisplayData;

/**
 * The display functions of the notebooks, with IJava's names and signatures (every cell sees them through a static
 * import): {@code display(object)} shows an object as its preferred MIME types (a {@code BufferedImage} as
 * {@code image/png}), {@code display(object, "text/html")} as the types asked for (a string as HTML, SVG
 * {@code image/svg+xml}, Markdown, ...), {@code render(...)} builds the bundle without showing it, and
 * {@code updateDisplay(id, ...)} replaces an earlier output. A notebook that uses only these runs under IJava too.
 */
public final class Display {
    private static volatile JShellKernel kernel;

    private Display() {
    }

    static void attach(JShellKernel k) {
        kernel = k;
    }

    private static JShellKernel kernel() {
        JShellKernel k = kernel;
        if (k == null) {
            throw new IllegalStateException("display functions need the videoldm Java kernel running this code");
        }
        return k;
    }

    private static Object orNullText(Object o) {
        return o == null ? "null" : o;
    }

    /** Shows {@code o} as its preferred types; returns the display id for {@link #updateDisplay(String, Object)}. */
    public static String display(Object o) {
        return kernel().show(render(o));
    }

    /** Shows {@code o} as the MIME types {@code as} (plus text/plain); returns the display id. */
    public static String display(Object o, String... as) {
        return kernel().show(render(o, as));
    }

    public static DisplayData render(Object o) {
        return kernel().getRenderer().render(orNullText(o));
    }

    public static DisplayData render(Object o, String... as) {
        return kernel().getRenderer().renderAs(orNullText(o), as);
    }

    /** Replaces the output shown under {@code id} with {@code o} as its preferred types. */
    public static void updateDisplay(String id, Object o) {
        kernel().update(id, render(o));
    }

    /** Replaces the output shown under {@code id} with {@code o} as the MIME types {@code as}. */
    public static void updateDisplay(String id, Object o, String... as) {
        kernel().update(id, render(o, as));
    }
}
