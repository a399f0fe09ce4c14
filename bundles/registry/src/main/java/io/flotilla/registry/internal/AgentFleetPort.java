package io.flotilla.registry.internal;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import io.flotilla.api.NodeInfo;
import io.flotilla.api.Reply;
import io.flotilla.api.Subscription;
import io.flotilla.runtime.FleetRegistry;
import io.flotilla.spi.fleet.FleetLink;
import io.flotilla.spi.fleet.FleetPort;
import io.flotilla.spi.fleet.FleetRequests;
import io.flotilla.util.Json;

/**
 * The port through which the node's agents reach the fleet ({@link FleetPort}): their publications
 * and subscriptions on the broker, messages to agents other nodes hold, and the fleet view. Lives
 * here, beside the registry, because deciding where a name lives needs the fleet view; the agent
 * runtime picks it up as a whiteboard service.
 */
@Component(service = FleetPort.class)
public final class AgentFleetPort implements FleetPort {

    private final FleetLink link;
    private final FleetRegistry registry;
    private final Json json = new Json();
    private final RemoteMessenger messenger;

    @Activate
    public AgentFleetPort(@Reference FleetLink link, @Reference FleetRequests requests, @Reference FleetRegistry registry) {
        this.link = link;
        this.registry = registry;
        this.messenger = new RemoteMessenger(link, requests, registry, json);
    }

    @Override
    public void publish(String topic, Object data) {
        link.publish(topic, data, false);
    }

    @Override
    public Subscription subscribe(String topicFilter, BiConsumer<String, Object> handler) {
        // JSON in, or the text when it is not JSON
        return link.subscribe(topicFilter, (topic, payload, retained) -> handler.accept(topic, json.valueOrText(payload)));
    }

    @Override
    public void tell(String sender, String agent, Object payload) {
        messenger.tell(sender, agent, payload);
    }

    @Override
    public CompletionStage<Reply> ask(String sender, String agent, Object payload, Duration timeout) {
        return messenger.ask(sender, agent, payload, timeout);
    }

    @Override
    public List<NodeInfo> nodes() {
        return registry.nodes();
    }
}
