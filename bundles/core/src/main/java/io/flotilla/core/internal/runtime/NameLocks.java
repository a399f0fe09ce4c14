package io.flotilla.core.internal.runtime;

/** Locks by agent name, striped: whatever decides about one name (spawn, stop, release) holds its lock. */
final class NameLocks {

    private static final int STRIPES = 64;

    private final Object[] locks = new Object[STRIPES];

    NameLocks() {
        for (int i = 0; i < STRIPES; i++) {
            locks[i] = new Object();
        }
    }

    Object of(String name) {
        return locks[Math.floorMod(name.hashCode(), STRIPES)];
    }
}
