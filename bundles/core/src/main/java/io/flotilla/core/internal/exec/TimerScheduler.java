package io.flotilla.core.internal.exec;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.flotilla.util.DaemonThreads;

/**
 * One timer thread for the whole node. Poll ticks, back-offs, ask timeouts and watchdogs all fire
 * here and only enqueue work, so an idle agent costs a timer entry, never a thread.
 */
public final class TimerScheduler implements Scheduler, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TimerScheduler.class);

    private final ScheduledThreadPoolExecutor timer;

    public TimerScheduler(String threadName) {
        timer = new ScheduledThreadPoolExecutor(1, DaemonThreads.named(threadName));
        timer.setRemoveOnCancelPolicy(true);
        timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
        ScheduledFuture<?> future = timer.schedule(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.error("Timer task failed", e);
            }
        }, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
        return () -> future.cancel(false);
    }

    /** Runs {@code task} every {@code period} until cancelled. */
    public Cancellable every(Duration period, Runnable task) {
        ScheduledFuture<?> future = timer.scheduleWithFixedDelay(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.error("Periodic timer task failed", e);
            }
        }, period.toNanos(), period.toNanos(), TimeUnit.NANOSECONDS);
        return () -> future.cancel(false);
    }

    @Override
    public Clock clock() {
        return Clock.systemUTC();
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            if (!timer.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("Timer thread did not end within 5 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
