package io.flotilla.core.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.PriorityQueue;
import java.util.concurrent.Executor;

import io.flotilla.core.internal.exec.Scheduler;

/**
 * A clock, timer and executor that move only when told: work runs on the caller's thread in
 * {@link #runReady()} and {@link #advance}, timers fire in due order as time is advanced. Makes
 * supervision timing exact and repeatable, for the unit tests and the launcher's self-test.
 * Single-threaded use only.
 */
public final class ManualTime implements Scheduler, Executor {

    private final PriorityQueue<Timer> timers = new PriorityQueue<>();
    private final ArrayDeque<Runnable> ready = new ArrayDeque<>();
    private final Clock clock = new ManualClock();
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");
    private long sequence;

    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
        Timer timer = new Timer(now.plus(delay.isNegative() ? Duration.ZERO : delay), sequence++, task);
        timers.add(timer);
        return () -> timer.cancelled = true;
    }

    @Override
    public void execute(Runnable task) {
        ready.add(task);
    }

    @Override
    public Clock clock() {
        return clock;
    }

    public Instant now() {
        return now;
    }

    /** Runs everything that is ready now, including work that work creates. */
    public void runReady() {
        Runnable task;
        while ((task = ready.poll()) != null) {
            task.run();
        }
    }

    /** Moves time forward, firing each timer at its due time and running what it readies. */
    public void advance(Duration duration) {
        Instant target = now.plus(duration);
        runReady();
        Timer next;
        while ((next = timers.peek()) != null && !next.due.isAfter(target)) {
            timers.poll();
            if (next.cancelled) {
                continue;
            }
            now = next.due;
            next.task.run();
            runReady();
        }
        now = target;
    }

    /** The delay until the next live timer, or null when none is pending. */
    public Duration untilNextTimer() {
        timers.removeIf(t -> t.cancelled);
        Timer next = timers.peek();
        return next == null ? null : Duration.between(now, next.due);
    }

    private static final class Timer implements Comparable<Timer> {
        final Instant due;
        final long order;
        final Runnable task;
        boolean cancelled;

        Timer(Instant due, long order, Runnable task) {
            this.due = due;
            this.order = order;
            this.task = task;
        }

        @Override
        public int compareTo(Timer other) {
            int byDue = due.compareTo(other.due);
            return byDue != 0 ? byDue : Long.compare(order, other.order);
        }
    }

    private final class ManualClock extends Clock {
        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
