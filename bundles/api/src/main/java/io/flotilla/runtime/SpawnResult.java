package io.flotilla.runtime;

import java.util.concurrent.CompletionStage;

import io.flotilla.api.AgentInfo;

/**
 * What a spawn did.
 *
 * @param outcome whether an agent was started
 * @param agent   the agent as it is right after the call
 * @param settled completes when the agent first runs or ends (failed, stopped), with its state then;
 *                dependent actions run on the agent's own thread unless made async, so they must not block
 */
public record SpawnResult(Outcome outcome, AgentInfo agent, CompletionStage<AgentInfo> settled) {

    public enum Outcome {
        /** A new agent was started. */
        SPAWNED,
        /** An agent of that name was running; it was stopped and the new config started. */
        REPLACED,
        /** An agent of that name was already running; nothing changed. */
        ALREADY_RUNNING,
        /**
         * {@link AgentManager#spawnDeclared} only: the agent migrated to another node, which
         * {@link SpawnResult#agent()} names; nothing changed.
         */
        DEPARTED
    }
}
