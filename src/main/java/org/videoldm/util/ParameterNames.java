package org.videoldm.util;

import java.util.List;

/** Short lists of parameter names for messages. */
public final class ParameterNames {
    private ParameterNames() {}

    /** The first {@code max} names, comma-separated, then how many more there are. */
    public static String summarise(List<String> names, int max) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(max, names.size()); i++) {
            sb.append(i == 0 ? "" : ", ").append(names.get(i));
        }
        if (names.size() > max) {
            sb.append(" and ").append(names.size() - max).append(" more");
        }
        return sb.toString();
    }
}
