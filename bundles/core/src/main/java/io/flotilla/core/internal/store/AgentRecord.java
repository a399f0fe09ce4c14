package io.flotilla.core.internal.store;

import io.flotilla.runtime.SpawnConfig;

/**
 * What the node remembers of a spawned agent so that it comes back after a restart.
 *
 * @param actorId  its stable id
 * @param config   its spawn configuration
 * @param running  whether it should run (false after a deliberate stop)
 * @param epoch    how many times it moved between nodes; the copy with the highest epoch is the agent
 */
public record AgentRecord(String actorId, SpawnConfig config, boolean running, long epoch) {

    public String name() {
        return config.name();
    }
}
