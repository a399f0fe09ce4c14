package io.flotilla.core.internal.osgi;

import io.flotilla.core.internal.declare.Declarations;
import io.flotilla.core.internal.runtime.AgentSystem;

/**
 * The node's agent engine and its declarations, for the other components of this bundle: the agent
 * manager, the command intake, the deployer. A service of this bundle only (its package is private).
 */
public interface AgentRuntime {

    AgentSystem system();

    Declarations declarations();
}
