package io.flotilla.runtime;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whiteboard service told about every {@link AgentEvent} on this node, in the order they happened,
 * on the node's one event thread (never an agent's): a listener may publish or subscribe, but should
 * not block for long, since the others wait. A listener added while agents run first gets a
 * {@link AgentEvent.Kind#PRESENT} event for each of them.
 */
@ConsumerType
public interface AgentEventListener {

    void onAgentEvent(AgentEvent event);
}
