package io.flotilla.core.internal.runtime;

import java.time.Duration;
import java.util.Locale;

/**
 * How long an agent waits after a failed {@code process()} before the next call
 * ({@code process.backoff} of {@code io.flotilla.agents.cfg}).
 */
public enum ProcessBackoff {

    /** As the Wactorz runner: {@code min(2^consecutive, 30)} s, so 2, 4, 8, 16 s, then the fifth escalates. */
    WACTORZ,
    /** Flotilla's own: the next call comes after {@code poll_interval}, as after a success. */
    POLL;

    static final Duration MAX = Duration.ofSeconds(30);

    /** The pause after the {@code consecutive}-th failure in a row, for an agent polled every {@code pollInterval}. */
    Duration after(int consecutive, Duration pollInterval) {
        if (this == POLL) {
            return pollInterval;
        }
        return consecutive >= 5 ? MAX : Duration.ofSeconds(Math.min(1L << consecutive, MAX.toSeconds()));
    }

    /** {@code wactorz} or {@code poll}, any case. */
    public static ProcessBackoff of(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("process.backoff must be wactorz or poll, not '" + text + "'");
        }
    }
}
