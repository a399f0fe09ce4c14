package io.flotilla.core.internal.store;

import io.flotilla.runtime.SpawnConfig;

/**
 * What the node remembers of a spawned agent so that it comes back after a restart.
 *
 * @param actorId  its stable id
 * @param config   its spawn configuration
 * @param running  whether it should run (false after a deliberate stop)
 * @param source   where it came from, for descriptors: the {@code deploy/} file; otherwise null
 */
public record AgentRecord(String actorId, SpawnConfig config, boolean running, String source) {

    public String name() {
        return config.name();
    }

    public AgentRecord withRunning(boolean shouldRun) {
        return new AgentRecord(actorId, config, shouldRun, source);
    }
}
