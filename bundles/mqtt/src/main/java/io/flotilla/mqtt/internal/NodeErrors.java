package io.flotilla.mqtt.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.flotilla.spi.fleet.FleetTopics;

/**
 * Reports on {@code nodes/{n}/errors}, where an operator watches the node: {@code {"node", ...,
 * "timestamp"}}, the fields in between those of each kind of report.
 */
final class NodeErrors {

    private static final Logger LOG = LoggerFactory.getLogger(NodeErrors.class);

    private final FleetTopics topics;
    private final Wire wire;
    private final BiConsumer<String, Map<String, Object>> publisher;

    /** @param publisher publishes a message to a topic, at QoS 1 */
    NodeErrors(FleetTopics topics, Wire wire, BiConsumer<String, Map<String, Object>> publisher) {
        this.topics = topics;
        this.wire = wire;
        this.publisher = publisher;
    }

    /** A report about a message on {@code topic}. */
    void report(String topic, String error) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("topic", topic);
        fields.put("error", error);
        report(fields);
    }

    /** The broker's ACL, say, refused a subscription: said in the log and here. */
    void refusedSubscription(String filter, String clientId) {
        String error = "the broker refused the subscription to " + filter + ": this node does not hear what comes there "
                + "(the broker's ACL for " + clientId + "?)";
        LOG.error("{}", error);
        report(filter, error);
    }

    /** A message the socket read through and dropped ({@code error} says why): in the log and here, never handled. */
    void refusedOversized(String topic, String error) {
        LOG.warn("{}", error);
        report(topic, error);
    }

    /** Publishes {@code fields}, after the node's name and before the time; null values are left out. */
    void report(Map<String, Object> fields) {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("node", topics.node());
        fields.forEach((key, value) -> {
            if (value != null) {
                report.put(key, value);
            }
        });
        report.put("timestamp", wire.now());
        publisher.accept(topics.own("errors"), report);
    }
}
