package io.flotilla.api;

import java.time.Instant;
import java.util.List;

/**
 * One node of the fleet as the local registry knows it.
 *
 * @param name         node name
 * @param online       whether the node is online now
 * @param capabilities what it advertises
 * @param cpuPercent   last reported CPU load, 0..100
 * @param memoryUsedMb last reported memory use
 * @param agentCount   agents it runs
 * @param lastSeen     when it was last heard from
 * @param incarnation  its connection generation, rising on every connect (0 for a Wactorz runner)
 * @param runner       what runs there: {@link #FLOTILLA}, or {@link #WACTORZ} for a Wactorz remote
 *                     runner, which takes spawns and tasks but not Flotilla's migration handoff
 * @since 1.1.0 (runner)
 */
public record NodeInfo(String name, boolean online, List<String> capabilities, double cpuPercent,
        long memoryUsedMb, int agentCount, Instant lastSeen, long incarnation, String runner) {

    /** A Flotilla node. */
    public static final String FLOTILLA = "flotilla";
    /** A Wactorz remote runner: its heartbeats carry no incarnation, and it has no retained status. */
    public static final String WACTORZ = "wactorz";

    public NodeInfo {
        runner = runner == null ? FLOTILLA : runner;
    }

    /** A Flotilla node, as before 1.1.0. */
    public NodeInfo(String name, boolean online, List<String> capabilities, double cpuPercent, long memoryUsedMb,
            int agentCount, Instant lastSeen, long incarnation) {
        this(name, online, capabilities, cpuPercent, memoryUsedMb, agentCount, lastSeen, incarnation, FLOTILLA);
    }

    /** Whether it takes Flotilla's own messages: migrations, code requests, task forwarding. */
    public boolean speaksFlotilla() {
        return FLOTILLA.equals(runner);
    }
}
