package io.flotilla.runtime;

import java.time.Instant;
import java.util.List;

import io.flotilla.api.NodeInfo;

/**
 * Everything the registry knows of one node, for {@code node:info}.
 *
 * @param info              name, status, capabilities, load, agent count, last seen, incarnation
 * @param agents            the agents its last heartbeat listed
 * @param broker            the broker it said it uses
 * @param uptimeSeconds     its uptime at its last heartbeat
 * @param heartbeatInterval seconds between its heartbeats
 * @param statusReason      why it is offline ("connection lost", "stopped", "missed 3 heartbeats"), or null
 * @param statusSince       when its status last changed
 * @param version           the version of Flotilla its heartbeat names (its bundles'), or null when it names none
 * @since 2.3.0 (version)
 */
public record NodeDetails(NodeInfo info, List<String> agents, String broker, double uptimeSeconds,
        double heartbeatInterval, String statusReason, Instant statusSince, String version) {

    /** Details without a version, as before 2.3.0. */
    public NodeDetails(NodeInfo info, List<String> agents, String broker, double uptimeSeconds, double heartbeatInterval,
            String statusReason, Instant statusSince) {
        this(info, agents, broker, uptimeSeconds, heartbeatInterval, statusReason, statusSince, null);
    }
}
