package io.flotilla.core.internal.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.function.BiConsumer;

import com.fasterxml.jackson.databind.JsonNode;

import io.flotilla.api.Subscription;
import io.flotilla.core.internal.json.Json;
import io.flotilla.runtime.FleetLink;

/** Agents' publish and subscribe over the fleet broker: JSON out; JSON in, or text when it is not JSON. */
public final class FleetPubSub implements PubSub {

    private final FleetLink link;
    private final Json json;

    public FleetPubSub(FleetLink link, Json json) {
        this.link = link;
        this.json = json;
    }

    @Override
    public void publish(String topic, Object data) {
        link.publish(topic, data, false);
    }

    @Override
    public Subscription subscribe(String topicFilter, BiConsumer<String, Object> handler) {
        return link.subscribe(topicFilter, (topic, payload, retained) -> handler.accept(topic, decode(payload)));
    }

    private Object decode(byte[] payload) {
        try {
            JsonNode node = json.parse(payload);
            if (node != null && !node.isMissingNode()) {
                return json.fromTree(node, Object.class);
            }
        } catch (IOException | IllegalArgumentException notJson) {
            // plain text, handed over as a String
        }
        return new String(payload, StandardCharsets.UTF_8);
    }
}
