package io.flotilla.runtime;

import java.util.Locale;

/** When a supervisor starts an agent again after its run ended. */
public enum RestartType {
    /** After a crash (with back-off) and after a clean finish. The default. */
    PERMANENT,
    /** Only after a crash; a clean finish stops it. */
    TRANSIENT,
    /** Never: a crash fails it, a clean finish stops it. */
    TEMPORARY;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
