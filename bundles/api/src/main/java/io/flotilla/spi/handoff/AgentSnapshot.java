package io.flotilla.spi.handoff;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import io.flotilla.runtime.SpawnConfig;

/**
 * An agent held still for a move: what it is and everything it persisted, taken while no callback
 * of it runs.
 *
 * @param config  its spawn configuration
 * @param actorId its stable id, which travels with it
 * @param epoch   its epoch: the copy it starts on another node runs at a higher one
 * @param state   its persisted state, as plain maps, lists and scalars
 */
public record AgentSnapshot(SpawnConfig config, String actorId, long epoch, Map<String, Object> state) {

    public AgentSnapshot {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(actorId, "actorId");
        state = Collections.unmodifiableMap(new LinkedHashMap<>(state)); // JSON may hold nulls
    }

    public String name() {
        return config.name();
    }
}
