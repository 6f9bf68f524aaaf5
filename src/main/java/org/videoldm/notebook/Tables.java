package org.videoldm.notebook;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import tech.tablesaw.api.Table;
import tech.tablesaw.io.html.HtmlWriteOptions;

/** Tablesaw tables as HTML for notebooks (Tablesaw's own notebook rendering is poor). */
public final class Tables {
    private Tables() {}

    public static String html(Table table) {
        StringWriter w = new StringWriter();
        try {
            table.write().usingOptions(HtmlWriteOptions.builder(w).build());
        } catch (RuntimeException e) {
            throw new UncheckedIOException(new IOException("cannot render table " + table.name(), e));
        }
        String caption = table.name() == null || table.name().isEmpty() ? "" : "<p><b>" + escape(table.name()) + "</b></p>";
        return caption + w;
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
