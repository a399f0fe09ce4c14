package io.flotilla.mqtt.internal;

import java.util.LinkedHashMap;
import java.util.Map;

import javax.net.SocketFactory;

import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;

import io.flotilla.spi.fleet.FleetTopics;

/**
 * How the node shows itself on the broker: its retained {@code status} ({@code online}, or
 * {@code offline} with a reason), whose offline form is also the Last Will of each connection, and the
 * connect options that carry it: a stable client id with clean session off, so the broker keeps the
 * node's session and the commands sent while it is away. A status names the installation
 * ({@code node_id}) and the incarnation this process first connected with ({@code since}), so that
 * two installations given one name can tell which came first ({@link NameClaim}).
 */
final class Presence {

    static final int QOS = 1;

    private final MqttSettings settings;
    private final FleetTopics topics;
    private final Wire wire;
    private final SocketFactory socketFactory;
    private final String nodeId;
    // The incarnation of this process's first connect attempt; on the connection's loop thread only.
    private volatile long since;

    Presence(MqttSettings settings, FleetTopics topics, Wire wire, SocketFactory socketFactory, String nodeId) {
        this.settings = settings;
        this.topics = topics;
        this.wire = wire;
        this.socketFactory = socketFactory;
        this.nodeId = nodeId;
    }

    String nodeId() {
        return nodeId;
    }

    /** The incarnation this process first connected with; 0 before its first attempt. */
    long since() {
        return since;
    }

    String topic() {
        return topics.own("status");
    }

    /** Options for one connect attempt: its Will carries the attempt's incarnation. */
    MqttConnectOptions options(long incarnation) {
        if (since == 0) {
            since = incarnation;
        }
        MqttConnectOptions options = new MqttConnectOptions();
        options.setServerURIs(settings.serverUris().toArray(String[]::new));
        options.setCleanSession(false);
        options.setAutomaticReconnect(false);
        options.setKeepAliveInterval(settings.keepAlive());
        options.setConnectionTimeout(settings.connectTimeout());
        options.setMaxInflight(settings.maxInflight());
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setSocketFactory(socketFactory);
        if (settings.username() != null) {
            options.setUserName(settings.username());
        }
        if (settings.password() != null) {
            options.setPassword(settings.password());
        }
        options.setWill(topic(), status("offline", incarnation, "connection lost").getPayload(), QOS, true);
        return options;
    }

    /** The retained status message; {@code reason} says why a node is offline, null when online. */
    MqttMessage status(String status, long incarnation, String reason) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("node", topics.node());
        payload.put("status", status);
        payload.put("incarnation", incarnation);
        payload.put("node_id", nodeId);
        payload.put("since", since);
        payload.put("timestamp", wire.now());
        if (reason != null) {
            payload.put("reason", reason);
        }
        MqttMessage message = new MqttMessage(wire.encode(payload));
        message.setQos(QOS);
        message.setRetained(true);
        return message;
    }
}
