package io.flotilla.util;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Thread factories for the executors a component owns. The threads are named, so that a thread
 * dump says whose they are, and daemons, so that they never hold up the JVM's exit. Neither keeps a
 * forgotten thread from pinning its bundle's class loader after a refresh: the component shuts its
 * executor down when it deactivates.
 */
public final class DaemonThreads {

    private DaemonThreads() {
    }

    /** Every thread called {@code name}: for a single-threaded executor. */
    public static ThreadFactory named(String name) {
        return runnable -> daemon(runnable, name);
    }

    /** Threads called {@code prefix-1}, {@code prefix-2}, ...: for a pool. */
    public static ThreadFactory numbered(String prefix) {
        AtomicInteger created = new AtomicInteger();
        return runnable -> daemon(runnable, prefix + "-" + created.incrementAndGet());
    }

    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }
}
