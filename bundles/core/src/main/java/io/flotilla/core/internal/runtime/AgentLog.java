package io.flotilla.core.internal.runtime;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.flotilla.runtime.LogEntry;

/** The latest lines of one agent's log, and whoever follows it. */
final class AgentLog {

    private static final Logger LOG = LoggerFactory.getLogger(AgentLog.class);
    static final int CAPACITY = 500;

    private final ArrayDeque<LogEntry> lines = new ArrayDeque<>();
    private final List<Consumer<LogEntry>> followers = new CopyOnWriteArrayList<>();

    void add(LogEntry entry) {
        synchronized (lines) {
            if (lines.size() == CAPACITY) {
                lines.removeFirst();
            }
            lines.addLast(entry);
        }
        for (Consumer<LogEntry> follower : followers) {
            try {
                follower.accept(entry);
            } catch (RuntimeException e) {
                LOG.warn("A log follower of agent {} failed; removing it", entry.agent(), e);
                followers.remove(follower);
            }
        }
    }

    List<LogEntry> latest(int limit) {
        synchronized (lines) {
            List<LogEntry> all = new ArrayList<>(lines);
            return all.subList(Math.max(0, all.size() - limit), all.size());
        }
    }

    AutoCloseable follow(Consumer<LogEntry> follower) {
        followers.add(follower);
        return () -> followers.remove(follower);
    }
}
