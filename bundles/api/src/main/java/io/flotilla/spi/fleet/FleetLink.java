package io.flotilla.spi.fleet;

import org.osgi.annotation.versioning.ProviderType;

import io.flotilla.api.Subscription;

/**
 * The node's connection to the fleet broker (one MQTT client per node, provided by flotilla-mqtt).
 * Topics here are the broker's own: no prefix is added.
 */
@ProviderType
public interface FleetLink {

    /** Whether the node is connected to the broker now. */
    boolean isConnected();

    /** The connection generation: rises on every connect, carried in the node's status and heartbeats. */
    long incarnation();

    /** The broker this node talks to, without credentials, e.g. {@code tcp://10.0.0.5:1883}. */
    String broker();

    /** The fleet's topic layout (with its prefix), seen from this node. */
    FleetTopics topics();

    /**
     * Publishes {@code payload} as JSON (a String is sent as a JSON string, a {@code byte[]} as is) at
     * QoS 1. Never blocks: while disconnected, messages are buffered up to a limit, the oldest dropped first.
     */
    void publish(String topic, Object payload, boolean retained);

    /**
     * Publishes {@code payload} at QoS 0, not retained, and only while connected: for what is of use
     * only to someone waiting for it now, such as the reply to an ask (an asker that misses it times
     * out, as it would if the reply came after its deadline). A broker that keeps sessions on disk
     * writes every QoS 1 message it queues; this spares that write.
     */
    void publishTransient(String topic, Object payload);

    /**
     * Subscribes at QoS 1. The handler runs on the client's delivery thread: it must hand the message
     * off and return at once. Subscriptions are renewed on every reconnect.
     */
    Subscription subscribe(String topicFilter, FleetMessageHandler handler);

    /**
     * {@link #subscribe}, at QoS 0 unless another subscriber here wants the filter at QoS 1: for the
     * fleet's periodic messages of which only the latest matters, such as node heartbeats. The node
     * acknowledges none of them (a thousand nodes beat a hundred times a second), and the broker
     * queues none for it while it is away; one lost is overtaken by the next.
     */
    default Subscription subscribeLatest(String topicFilter, FleetMessageHandler handler) {
        return subscribe(topicFilter, handler);
    }

    /**
     * {@link #subscribe}, for this node's own topics (its commands, tasks for its agents): the
     * subscription stays in the node's session at the broker, even after the handler is closed and
     * while the node is down, so what is sent meanwhile arrives when the node is back; messages that
     * arrive before a handler is registered wait for it.
     */
    Subscription subscribeDurable(String topicFilter, FleetMessageHandler handler);

    /**
     * Ends what {@link #subscribeDurable} keeps at the broker, for a topic this node is done with for
     * good (the tasks of an agent that was deleted or moved away). Handlers still open keep receiving;
     * the broker is told once none is left, at the next connect if the node is away now.
     */
    void releaseDurable(String topicFilter);
}
