package io.flotilla.core.internal.command;

import java.util.LinkedHashMap;
import java.util.Map;

/** The request ids seen lately, so that a replayed command (a redelivery, a retained copy) runs once. */
final class RecentRequests {

    private final Map<String, Boolean> seen;

    RecentRequests(int capacity) {
        this.seen = new LinkedHashMap<>(capacity, 0.75f, false) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > capacity;
            }
        };
    }

    /** True the first time a key is offered, false for every repeat while it is remembered. */
    synchronized boolean firstTime(String key) {
        return seen.put(key, Boolean.TRUE) == null;
    }

    /** Forgets a key: a command that never ran (rejected, or out of time) may be sent again with its id. */
    synchronized void forget(String key) {
        seen.remove(key);
    }
}
