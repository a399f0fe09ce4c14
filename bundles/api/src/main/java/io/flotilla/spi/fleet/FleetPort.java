package io.flotilla.spi.fleet;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;

import org.osgi.annotation.versioning.ConsumerType;

import io.flotilla.api.NodeInfo;
import io.flotilla.api.Reply;
import io.flotilla.api.Subscription;

/**
 * How this node's agents reach the rest of the fleet: the broker for their publish and subscribe,
 * agents held by other nodes, and the fleet view. The agent manager uses the one port registered, if
 * any (whiteboard); without one, agents reach this node only. Provided by the fleet registry bundle,
 * which has the view that deciding where a name lives needs.
 */
@ConsumerType
public interface FleetPort {

    /** Publishes {@code data} as JSON on the fleet broker. */
    void publish(String topic, Object data);

    /** Subscribes on the fleet broker; the handler gets decoded JSON, or the text when it is not JSON. */
    Subscription subscribe(String topicFilter, BiConsumer<String, Object> handler);

    /** Sends to an agent this node does not hold, without waiting; drops what cannot be delivered. */
    void tell(String sender, String agent, Object payload);

    /**
     * Asks an agent this node does not hold; the stage always completes: with the reply, or with an
     * {@link io.flotilla.api.AskException} (no such agent in the fleet, its node offline, its handler
     * threw, timeout).
     */
    CompletionStage<Reply> ask(String sender, String agent, Object payload, Duration timeout);

    /** Every node this node knows of. */
    List<NodeInfo> nodes();
}
