package io.flotilla.api;

/**
 * A summary of one agent.
 *
 * @param name         fleet-unique name
 * @param actorId      stable id used in {@code agents/{id}/...} topics
 * @param type         agent type
 * @param node         node it runs on
 * @param state        current state
 * @param restartCount restarts charged against its budget
 * @param epoch        rises each time the agent moves to another node; of two copies, the higher one is the agent
 */
public record AgentInfo(String name, String actorId, String type, String node, AgentState state, int restartCount,
        long epoch) {

    /** An agent that never moved. */
    public AgentInfo(String name, String actorId, String type, String node, AgentState state, int restartCount) {
        this(name, actorId, type, node, state, restartCount, 0);
    }
}
