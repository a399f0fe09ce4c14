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
 * @param incarnation  its connection generation, rising on every connect
 */
public record NodeInfo(String name, boolean online, List<String> capabilities, double cpuPercent,
        long memoryUsedMb, int agentCount, Instant lastSeen, long incarnation) {
}
