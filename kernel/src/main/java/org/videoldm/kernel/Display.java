package org.videoldm.kernel;

import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import io.github.spencerpark.jupyter.kernel.display.mime.MIMEType;
import java.util.Arrays;
import java.util.Locale;

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
        return onlyRequested(kernel().getRenderer().renderAs(orNullText(o), as), as);
    }

    /**
     * The bundle with the requested types only, and a short text/plain unless that was requested too. The base
     * kernel always adds the object's text as text/plain, which for an HTML string with embedded videos is a second
     * copy of several hundred kilobytes in every saved notebook.
     */
    static DisplayData onlyRequested(DisplayData rendered, String... as) {
        if (Arrays.asList(as).contains("text/plain")) {
            return rendered;
        }
        DisplayData out = new DisplayData();
        StringBuilder summary = new StringBuilder();
        for (String type : as) {
            Object data;
            try {
                data = rendered.getData(MIMEType.parse(type));
            } catch (RuntimeException e) {
                return rendered;   // an alias the renderer resolved itself (e.g. "html"): keep its bundle as it is
            }
            if (data != null) {
                out.putData(type, data);
                summary.append(summary.length() == 0 ? "" : ", ").append(type).append(' ')
                        .append(String.format(Locale.ROOT, "(%,d characters)", String.valueOf(data).length()));
            }
        }
        if (summary.length() == 0) {
            return rendered;
        }
        out.putText("[" + summary + "]");
        return out;
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
