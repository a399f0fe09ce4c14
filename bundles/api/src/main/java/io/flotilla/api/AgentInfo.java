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
 * @param cpuPercent   percent of one core its callbacks used lately (over the last 5 to 10 s or so), as the
 *                     node it runs on measures them; 0 where not measured
 * @since 1.1.0 (cpuPercent)
 */
public record AgentInfo(String name, String actorId, String type, String node, AgentState state, int restartCount,
        long epoch, double cpuPercent) {

    /** An agent that never moved. */
    public AgentInfo(String name, String actorId, String type, String node, AgentState state, int restartCount) {
        this(name, actorId, type, node, state, restartCount, 0);
    }

    /** An agent whose CPU use is not known here (another node's), as before 1.1.0. */
    public AgentInfo(String name, String actorId, String type, String node, AgentState state, int restartCount,
            long epoch) {
        this(name, actorId, type, node, state, restartCount, epoch, 0);
    }
}
