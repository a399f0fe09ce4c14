package io.flotilla.runtime;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whiteboard service told about every {@link AgentEvent} on this node. Called on the thread where
 * the event happened, often an agent's: hand the event off, do not block.
 *
 * <p>A listener must not hold a mandatory reference to the {@link AgentManager}: the manager binds
 * its listeners while it activates, so such a reference is a cycle. Events carry what a listener needs.
 */
@ConsumerType
public interface AgentEventListener {

    void onAgentEvent(AgentEvent event);
}
