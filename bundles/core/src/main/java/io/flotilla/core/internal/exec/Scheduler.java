package io.flotilla.core.internal.exec;

import java.time.Clock;
import java.time.Duration;

/** Timers for the runtime: fire a task after a delay. Tasks must be short; they only hand work off. */
public interface Scheduler {

    /** Runs {@code task} once after {@code delay}; the handle cancels it if it has not run yet. */
    Cancellable schedule(Duration delay, Runnable task);

    /** The clock timers are measured against. */
    Clock clock();

    /** A scheduled task that may still be cancelled. */
    @FunctionalInterface
    interface Cancellable {
        Cancellable NONE = () -> { };

        void cancel();
    }
}
