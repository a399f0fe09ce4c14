package io.flotilla.core.internal.runtime;

/** What becomes of the persisted state of an agent that is removed. */
enum StateFate {
    KEEP,
    DELETE,
    /** Moved out of the way and kept: removed on evidence that could be forged. */
    SET_ASIDE
}
