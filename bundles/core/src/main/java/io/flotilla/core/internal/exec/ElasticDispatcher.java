package io.flotilla.core.internal.exec;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.flotilla.util.DaemonThreads;

/**
 * The shared pool agents run on. It starts with one thread per core; when every thread has been
 * stuck for a whole check period while agents wait (an agent blocked in its own code, a handler
 * waiting on an ask), it adds threads, up to a limit, and lets them go again once the backlog is
 * gone. So an agent that blocks costs its own thread but does not stall the others, and an idle
 * node keeps only its base threads.
 */
public final class ElasticDispatcher implements Executor, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ElasticDispatcher.class);
    private static final int IDLE_CHECKS_BEFORE_SHRINK = 50;

    private final ThreadPoolExecutor pool;
    private final int baseThreads;
    private final int maxThreads;
    private final Scheduler.Cancellable monitor;

    // Touched only by the monitor task, which the single timer thread runs.
    private long lastCompleted;
    private int idleChecks;
    private boolean warnedAtLimit;

    public ElasticDispatcher(String threadPrefix, int baseThreads, int maxThreads, TimerScheduler timer,
            Duration checkPeriod) {
        if (baseThreads < 1 || maxThreads < baseThreads) {
            throw new IllegalArgumentException("need 1 <= baseThreads <= maxThreads, got " + baseThreads + ", " + maxThreads);
        }
        this.baseThreads = baseThreads;
        this.maxThreads = maxThreads;
        this.pool = new ThreadPoolExecutor(baseThreads, maxThreads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                DaemonThreads.numbered(threadPrefix));
        this.monitor = timer.every(checkPeriod, this::checkForStall);
    }

    @Override
    public void execute(Runnable task) {
        pool.execute(task);
    }

    /** Threads in the pool now, for diagnostics and tests. */
    public int threads() {
        return pool.getPoolSize();
    }

    private void checkForStall() {
        long completed = pool.getCompletedTaskCount();
        int waiting = pool.getQueue().size();
        int core = pool.getCorePoolSize();
        boolean stalled = waiting > 0 && completed == lastCompleted && pool.getActiveCount() >= core;
        lastCompleted = completed;
        if (stalled) {
            idleChecks = 0;
            grow(core, waiting);
        } else if (waiting == 0 && core > baseThreads && ++idleChecks >= IDLE_CHECKS_BEFORE_SHRINK) {
            idleChecks = 0;
            pool.setCorePoolSize(baseThreads);
            LOG.debug("Agent pool back to {} threads", baseThreads);
        }
    }

    private void grow(int core, int waiting) {
        if (core >= maxThreads) {
            if (!warnedAtLimit) {
                warnedAtLimit = true;
                LOG.warn("All {} agent threads are blocked and {} agents wait; raise the thread limit or find the "
                        + "agent that blocks (agent:info shows what runs)", maxThreads, waiting);
            }
            return;
        }
        int grown = Math.min(maxThreads, core + Math.max(1, Math.min(waiting, core)));
        pool.setCorePoolSize(grown);
        pool.prestartAllCoreThreads();
        LOG.debug("Agent pool blocked with {} waiting: grew from {} to {} threads", waiting, core, grown);
    }

    @Override
    public void close() {
        monitor.cancel();
        pool.shutdown();
        try {
            if (!pool.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("Agent threads still busy 10 s after shutdown; interrupting them");
                pool.shutdownNow();
            }
        } catch (InterruptedException e) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
