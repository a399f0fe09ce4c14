package io.flotilla.core.internal.store;

import io.flotilla.runtime.SpawnConfig;

/**
 * What the node remembers of a spawned agent so that it comes back after a restart.
 *
 * @param actorId  its stable id
 * @param config   its spawn configuration
 * @param running  whether it should run (false after a deliberate stop, or once it failed for good)
 * @param epoch    how many times it moved between nodes; the copy with the highest epoch is the agent
 * @param failure  why it failed for good, or null: a failed agent stays failed across restarts of the
 *                 node, with this as its last error, until it is restarted or spawned again
 */
public record AgentRecord(String actorId, SpawnConfig config, boolean running, long epoch, String failure) {

    /** The record of an agent that has not failed. */
    public AgentRecord(String actorId, SpawnConfig config, boolean running, long epoch) {
        this(actorId, config, running, epoch, null);
    }

    public String name() {
        return config.name();
    }
}
