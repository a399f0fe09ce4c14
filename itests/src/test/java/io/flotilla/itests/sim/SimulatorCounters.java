package io.flotilla.itests.sim;

import java.util.concurrent.atomic.LongAdder;

/** What the simulated nodes did, all together: read by tests and benchmarks, written by every node. */
public final class SimulatorCounters {

    final LongAdder heartbeats = new LongAdder();
    final LongAdder commands = new LongAdder();
    final LongAdder spawned = new LongAdder();
    final LongAdder tasks = new LongAdder();
    final LongAdder unreadable = new LongAdder();

    /** Node heartbeats sent (each with its agent heartbeat batches). */
    public long heartbeats() {
        return heartbeats.sum();
    }

    /** Commands received on the nodes' command topics. */
    public long commands() {
        return commands.sum();
    }

    /** Agents spawned by command (or found running already). */
    public long spawned() {
        return spawned.sum();
    }

    /** Tasks received by name. */
    public long tasks() {
        return tasks.sum();
    }

    /** Messages that were not a JSON object, or came on a topic no simulated node answers. */
    public long unreadable() {
        return unreadable.sum();
    }
}
