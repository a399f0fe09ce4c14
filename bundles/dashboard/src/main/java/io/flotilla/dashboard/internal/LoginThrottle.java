package io.flotilla.dashboard.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Slows guessing: after {@code limit} failed sign-ins within {@code window}, every sign-in is
 * refused until the oldest of them is older than the window. Counted for the whole dashboard, not
 * per address: behind a proxy or SSH tunnel every request comes from the same one. Thread-safe.
 */
final class LoginThrottle {

    private final Clock clock;
    private final int limit;
    private final Duration window;
    private final Deque<Instant> failures = new ArrayDeque<>();

    LoginThrottle(Clock clock, int limit, Duration window) {
        this.clock = clock;
        this.limit = limit;
        this.window = window;
    }

    /** Whether a sign-in may be tried now. */
    synchronized boolean open() {
        Instant cutoff = clock.instant().minus(window);
        while (!failures.isEmpty() && failures.peekFirst().isBefore(cutoff)) {
            failures.removeFirst();
        }
        return failures.size() < limit;
    }

    synchronized void failed() {
        failures.addLast(clock.instant());
        while (failures.size() > limit) {
            failures.removeFirst();
        }
    }
}
