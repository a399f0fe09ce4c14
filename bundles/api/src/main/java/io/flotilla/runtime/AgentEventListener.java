package io.flotilla.runtime;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whiteboard service told about every {@link AgentEvent} on this node. Called on the thread where
 * the event happened, often an agent's: hand the event off, do not block.
 */
@ConsumerType
public interface AgentEventListener {

    void onAgentEvent(AgentEvent event);
}
