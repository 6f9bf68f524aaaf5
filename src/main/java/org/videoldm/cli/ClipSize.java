package org.videoldm.cli;

import picocli.CommandLine;

/** A clip size written HEIGHTxWIDTH, e.g. 64x128 for a wide dash-cam frame. */
record ClipSize(int height, int width) {
    static final class Converter implements CommandLine.ITypeConverter<ClipSize> {
        @Override
        public ClipSize convert(String value) {
            String[] parts = value.toLowerCase(java.util.Locale.ROOT).split("x");
            try {
                if (parts.length == 2) {
                    ClipSize s = new ClipSize(Integer.parseInt(parts[0].strip()), Integer.parseInt(parts[1].strip()));
                    if (s.height > 0 && s.width > 0) {
                        return s;
                    }
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
            throw new CommandLine.TypeConversionException("expected HEIGHTxWIDTH such as 64x128, got '" + value + "'");
        }
    }
}
