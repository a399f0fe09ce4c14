package io.flotilla.runtime;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ProviderType;

import io.flotilla.api.AgentInfo;

/**
 * Agents on any node of the fleet: spawn (placed by {@code node}, or by {@code requires} on the
 * least-loaded node that has them), list, stop, and ping nodes. This node is served directly; other
 * nodes over their command topics, as the node's own operator: signed with its {@code operator.key}
 * (the shell's user, whom Karaf authenticated). Every stage completes, at the latest when the timeout
 * passes.
 */
@ProviderType
public interface FleetControl {

    /**
     * Spawns where the config says: on its {@code node}; else, when it {@code requires}
     * capabilities, on the least-loaded online node that has them all; else here. Fails with an
     * {@link IllegalArgumentException} that says why when no node fits.
     */
    CompletionStage<CommandResult> spawn(SpawnConfig config, Duration timeout);

    /** The node the config would be placed on now. */
    String place(SpawnConfig config);

    CompletionStage<List<AgentInfo>> agents(String node, Duration timeout);

    CompletionStage<CommandResult> stop(String node, String agent, boolean delete, Duration timeout);

    /** The round trip of a ping to {@code node}'s command topic. */
    CompletionStage<Duration> ping(String node, Duration timeout);
}
