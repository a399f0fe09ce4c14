package io.flotilla.runtime;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

import io.flotilla.api.NodeInfo;

/**
 * This node's view of the fleet, from the nodes' retained status and heartbeats; it survives
 * restarts of this node.
 */
@ProviderType
public interface FleetRegistry {

    /** Every known node, by name. */
    List<NodeInfo> nodes();

    Optional<NodeDetails> node(String name);

    /** The online node that runs the agent {@code name}, as far as this node has heard. */
    Optional<String> nodeOf(String agentName);

    /**
     * The online nodes that have every one of {@code requires} among their capabilities, least
     * loaded first (CPU, then agent count).
     */
    List<NodeInfo> candidates(Collection<String> requires);
}
