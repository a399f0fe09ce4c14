package io.flotilla.api;

import java.util.Locale;

/**
 * The severity of an alert or an error event. On the wire it is the lower-case name. {@code CRITICAL}
 * is the Wactorz runner's: a {@code process()} failing for the third time in a row or more.
 */
public enum Severity {
    INFO, WARNING, ERROR, CRITICAL, FATAL;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a wire name ({@code "warning"}, also {@code "warn"}); unknown text is an error. */
    public static Severity fromWire(String text) {
        String normalised = text.trim().toUpperCase(Locale.ROOT);
        if ("WARN".equals(normalised)) {
            return WARNING;
        }
        try {
            return valueOf(normalised);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown severity '" + text + "' (info, warning, error, critical, fatal)");
        }
    }
}
