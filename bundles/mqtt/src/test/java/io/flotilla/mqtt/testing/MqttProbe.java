package io.flotilla.mqtt.testing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What an operator does with mosquitto_pub and mosquitto_sub, for tests: publish JSON to a topic,
 * record what arrives on subscribed filters, wait for a message with a deadline.
 */
public final class MqttProbe implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One message seen by the probe. */
    public record Seen(String topic, String text, boolean retained) {
        public Map<String, Object> json() {
            try {
                return JSON.readValue(text, new TypeReference<Map<String, Object>>() { });
            } catch (Exception e) {
                throw new AssertionError("not a JSON object on " + topic + ": " + text, e);
            }
        }
    }

    private final MqttClient client;
    private final List<Seen> seen = new CopyOnWriteArrayList<>();

    public MqttProbe(String brokerUrl) throws MqttException {
        this(brokerUrl, "probe-" + UUID.randomUUID(), true);
    }

    /**
     * A probe with a session the broker keeps ({@code cleanSession} false): it reconnects by itself
     * and gets what was published for it while the broker or the probe was away.
     */
    public static MqttProbe persistent(String brokerUrl, String clientId) throws MqttException {
        return new MqttProbe(brokerUrl, clientId, false);
    }

    /** A probe on an {@code ssl://} broker, with the identity and trust of {@code tls}. */
    public static MqttProbe tls(String brokerUrl, javax.net.ssl.SSLSocketFactory tls) throws MqttException {
        return new MqttProbe(brokerUrl, "probe-" + UUID.randomUUID(), true, tls);
    }

    /** A probe on an {@code ssl://} broker as {@link #tls(String, javax.net.ssl.SSLSocketFactory)}, with its client id. */
    public static MqttProbe tls(String brokerUrl, javax.net.ssl.SSLSocketFactory tls, String clientId) throws MqttException {
        return new MqttProbe(brokerUrl, clientId, true, tls);
    }

    private MqttProbe(String brokerUrl, String clientId, boolean cleanSession) throws MqttException {
        this(brokerUrl, clientId, cleanSession, null);
    }

    private MqttProbe(String brokerUrl, String clientId, boolean cleanSession, javax.net.ssl.SSLSocketFactory tls)
            throws MqttException {
        client = new MqttClient(brokerUrl, clientId, new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        if (tls != null) {
            options.setSocketFactory(tls);
        }
        options.setCleanSession(cleanSession);
        options.setAutomaticReconnect(true);
        options.setMaxInflight(10000);
        options.setConnectionTimeout(10);
        client.setCallback(new org.eclipse.paho.client.mqttv3.MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                seen.add(new Seen(topic, new String(message.getPayload(), StandardCharsets.UTF_8), message.isRetained()));
            }

            @Override
            public void deliveryComplete(org.eclipse.paho.client.mqttv3.IMqttDeliveryToken token) {
            }
        });
        client.connect(options);
    }

    public MqttProbe subscribe(String... filters) throws MqttException {
        for (String filter : filters) {
            client.subscribe(filter, 1);
        }
        return this;
    }

    public void publish(String topic, String payload) throws MqttException {
        publish(topic, payload, false);
    }

    public void publish(String topic, String payload, boolean retained) throws MqttException {
        client.publish(topic, payload.getBytes(StandardCharsets.UTF_8), 1, retained);
    }

    public void publishJson(String topic, Object payload) throws Exception {
        publish(topic, JSON.writeValueAsString(payload), false);
    }

    public List<Seen> seen() {
        return List.copyOf(seen);
    }

    public List<Seen> seenOn(String topic) {
        return seen.stream().filter(s -> s.topic().equals(topic)).toList();
    }

    public void forget() {
        seen.clear();
    }

    /** The first message (already seen or still to come) on {@code topic} that {@code test} accepts. */
    public Seen await(String topic, Predicate<Seen> test, Duration limit) {
        List<Seen> match = awaitOn(topic, messages -> messages.stream().anyMatch(test), limit);
        return match.stream().filter(test).findFirst().orElseThrow();
    }

    /** Waits until the messages seen on {@code topic}, in arrival order, satisfy {@code test}; returns them. */
    public List<Seen> awaitOn(String topic, Predicate<List<Seen>> test, Duration limit) {
        long end = System.nanoTime() + limit.toNanos();
        while (true) {
            List<Seen> messages = seenOn(topic);
            if (test.test(messages)) {
                return messages;
            }
            if (System.nanoTime() > end) {
                throw new AssertionError("messages on " + topic + " not as awaited within " + limit.toSeconds()
                        + " s; seen there: " + messages);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** The first JSON message on {@code topic} whose field {@code key} equals {@code value}. */
    public Map<String, Object> awaitJson(String topic, String key, Object value, Duration limit) {
        return awaitJson(topic, key, value, limit, json -> true);
    }

    /** The first JSON message on {@code topic} whose field {@code key} equals {@code value} and that {@code also} accepts. */
    public Map<String, Object> awaitJson(String topic, String key, Object value, Duration limit,
            Predicate<Map<String, Object>> also) {
        return await(topic, s -> s.text().startsWith("{") && value.equals(s.json().get(key)) && also.test(s.json()), limit)
                .json();
    }

    /**
     * Disconnects and releases the client. A probe may be in the middle of reconnecting (its broker
     * just restarted); Paho refuses to close then, so this waits, a bounded time, for that attempt to end.
     */
    @Override
    public void close() throws MqttException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (true) {
            try {
                if (client.isConnected()) {
                    client.disconnect(2000);
                }
                client.close(true);
                return;
            } catch (MqttException e) {
                if (e.getReasonCode() != MqttException.REASON_CODE_CONNECT_IN_PROGRESS || System.nanoTime() > end) {
                    throw e;
                }
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new MqttException(e);
            }
        }
    }
}
