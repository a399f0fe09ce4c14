package io.flotilla.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.MqttTopic;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.flotilla.mqtt.internal.NoDelaySocketFactory;

/**
 * The benchmark's own MQTT client: Nagle off, QoS 1, and every arrival stamped with
 * {@link System#nanoTime()} on the delivery thread, before anything else looks at it, so that
 * latencies measure the fleet rather than this client.
 */
final class BenchClient implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() { };

    /** One message as it arrived. */
    record Arrival(String topic, byte[] payload, long nanos) {
        Map<String, Object> json() {
            try {
                return JSON.readValue(payload, MAP);
            } catch (Exception e) {
                throw new IllegalStateException("not a JSON object on " + topic + ": " + new String(payload, StandardCharsets.UTF_8), e);
            }
        }
    }

    private record Waiter(String filter, Predicate<Arrival> test, CompletableFuture<Arrival> arrival) {
    }

    private final MqttAsyncClient client;
    private final List<Waiter> waiters = new CopyOnWriteArrayList<>();

    BenchClient(String brokerUrl) throws MqttException {
        this(brokerUrl, NoDelaySocketFactory.plain());
    }

    /** A client with sockets from {@code sockets}: an SSLSocketFactory for an ssl:// broker. */
    BenchClient(String brokerUrl, javax.net.SocketFactory sockets) throws MqttException {
        client = new MqttAsyncClient(brokerUrl, "bench-" + UUID.randomUUID(), new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        options.setSocketFactory(sockets);
        options.setMaxInflight(65_000);
        options.setConnectionTimeout(10);
        client.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
                waiters.forEach(w -> w.arrival().completeExceptionally(cause));
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                Arrival arrival = new Arrival(topic, message.getPayload(), System.nanoTime());
                for (Waiter waiter : waiters) {
                    if (MqttTopic.isMatched(waiter.filter(), topic) && waiter.test().test(arrival)
                            && waiter.arrival().complete(arrival)) {
                        waiters.remove(waiter);
                    }
                }
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
        client.connect(options).waitForCompletion(15_000);
    }

    BenchClient subscribe(String... filters) throws MqttException {
        int[] qos = new int[filters.length];
        java.util.Arrays.fill(qos, 1);
        client.subscribe(filters, qos).waitForCompletion(10_000);
        return this;
    }

    /** Completes with the next message on a topic matching {@code filter} that passes {@code test}. */
    CompletableFuture<Arrival> expect(String filter, Predicate<Arrival> test) {
        CompletableFuture<Arrival> arrival = new CompletableFuture<>();
        waiters.add(new Waiter(filter, test, arrival));
        return arrival;
    }

    /** Completes with the next JSON message on {@code filter} whose {@code field} is {@code value}. */
    CompletableFuture<Arrival> expectJson(String filter, String field, Object value) {
        byte[] needle = ("\"" + field + "\":").getBytes(StandardCharsets.UTF_8);
        return expect(filter, a -> contains(a.payload(), needle) && value.equals(a.json().get(field)));
    }

    void publish(String topic, Object payload) throws MqttException {
        byte[] bytes;
        try {
            bytes = payload instanceof byte[] raw ? raw : JSON.writeValueAsBytes(payload);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
        MqttMessage message = new MqttMessage(bytes);
        message.setQos(1);
        client.publish(topic, message);
    }

    static Arrival await(CompletableFuture<Arrival> arrival, Duration limit, String what) throws Exception {
        try {
            return arrival.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("no " + what + " within " + limit.toSeconds() + " s");
        }
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    @Override
    public void close() throws MqttException {
        if (client.isConnected()) {
            client.disconnect(2000).waitForCompletion(3000);
        }
        client.close(true);
    }
}
