package org.videoldm.util;

import java.util.Optional;

/** A user setting given as a system property or, failing that, an environment variable. */
public final class Setting {
    private Setting() {}

    /** The non-blank value of the system property, else of the environment variable, trimmed. */
    public static Optional<String> lookup(String property, String env) {
        String v = System.getProperty(property);
        if (v == null || v.isBlank()) {
            v = System.getenv(env);
        }
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
    }
}
