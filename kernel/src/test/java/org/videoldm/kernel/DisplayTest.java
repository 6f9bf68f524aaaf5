package org.videoldm.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import io.github.spencerpark.jupyter.kernel.display.Renderer;
import io.github.spencerpark.jupyter.kernel.display.common.Text;
import io.github.spencerpark.jupyter.kernel.display.mime.MIMEType;
import org.junit.jupiter.api.Test;

class DisplayTest {
    private static DisplayData renderAs(Object o, String... as) {
        Renderer renderer = new Renderer();
        Text.registerAll(renderer);
        return renderer.renderAs(o, as);
    }

    @Test
    void htmlIsNotCopiedIntoTextPlain() {
        String html = "<video src='data:video/mp4;base64," + "A".repeat(5000) + "'></video>";
        DisplayData bundle = Display.onlyRequested(renderAs(html, "text/html"), "text/html");
        assertEquals(html, bundle.getData(MIMEType.TEXT_HTML));
        assertEquals("[text/html (5,044 characters)]", bundle.getData(MIMEType.TEXT_PLAIN));
    }

    @Test
    void requestedTextPlainIsKept() {
        DisplayData rendered = renderAs("<b>x</b>", "text/html", "text/plain");
        assertSame(rendered, Display.onlyRequested(rendered, "text/html", "text/plain"));
    }

    @Test
    void unsupportedTypeLeavesTheRendererBundle() {
        DisplayData rendered = renderAs(42, "text/html");
        DisplayData bundle = Display.onlyRequested(rendered, "text/html");
        assertSame(rendered, bundle);
        assertNull(bundle.getData(MIMEType.TEXT_HTML));
    }
}
