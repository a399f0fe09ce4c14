package io.flotilla.pki;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.flotilla.util.OperatorSigner;

/**
 * {@code bin/flotilla ctl}: one command to the fleet and its one result, as {@code mosquitto_rr}
 * gives it, signed with an operator's key when one is given (docs/protocol.md, "Signed commands").
 * The result is printed as JSON; the exit status is 0 only when the command succeeded, 1 when the
 * node said it failed or refused it, 2 when no answer came.
 */
final class Ctl {

    static final String USAGE = String.join("\n",
            "Usage: bin/flotilla ctl [--broker HOST:PORT | URL] [--key DIR/NAME.key] [--identity NAME.p12 --trust ca.crt]",
            "                        [--timeout SECONDS] VERB ...",
            "  spawn NODE FILE      spawn the agent of a spawn config (JSON; - reads it from standard input) on NODE",
            "  stop NODE NAME       stop agent NAME on NODE",
            "  list NODE            the agents of NODE",
            "  migrate NAME NODE    move agent NAME, wherever it runs, to NODE",
            "  ask NAME PAYLOAD     ask agent NAME, wherever it runs; PAYLOAD is JSON (or text)",
            "  nodes                the nodes the broker holds a status of",
            "With --key, commands are signed by the operator NAME (bin/flotilla key generate NAME).");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration VALIDITY = Duration.ofMinutes(5);

    private final String broker;
    private final Path key;
    private final Path identity;
    private final Path trust;
    private final Duration timeout;
    private final Clock clock;
    private final PrintStream out;

    Ctl(String broker, Path key, Path identity, Path trust, Duration timeout, Clock clock, PrintStream out) {
        this.broker = broker.contains("://") ? broker : (identity != null ? "ssl://" : "tcp://")
                + (broker.contains(":") ? broker : broker + ":" + (identity != null ? 8883 : 1883));
        this.key = key;
        this.identity = identity;
        this.trust = trust;
        this.timeout = timeout;
        this.clock = clock;
        this.out = out;
    }

    /** Runs {@code verb} with {@code words}; returns the exit status. */
    int run(String verb, List<String> words) throws IOException, GeneralSecurityException {
        MqttClient client = connect();
        try {
            return switch (verb) {
                case "spawn" -> command(client, words(words, 2, "spawn NODE FILE").get(0), "spawn", spawnConfig(words.get(1)));
                case "stop" -> command(client, words(words, 2, "stop NODE NAME").get(0), "stop", Map.of("name", words.get(1)));
                case "list" -> command(client, words(words, 1, "list NODE").get(0), "list", Map.of());
                case "migrate" -> migrate(client, words(words, 2, "migrate NAME NODE").get(0), words.get(1));
                case "ask" -> ask(client, words(words, 2, "ask NAME PAYLOAD").get(0), words.get(1));
                case "nodes" -> nodes(client);
                default -> throw new IllegalArgumentException("unknown verb '" + verb + "'\n" + USAGE);
            };
        } catch (MqttException e) {
            throw new IOException("the broker " + broker + " failed: " + e.getMessage(), e);
        } finally {
            close(client);
        }
    }

    private int command(MqttClient client, String node, String kind, Map<?, ?> body) throws MqttException, IOException,
            GeneralSecurityException {
        Answer answer = send(client, node, kind, body);
        if (answer == null) {
            out.println("{\"error\": \"no answer from node " + node + " within " + timeout.toSeconds() + " s\"}");
            return 2;
        }
        out.println(new String(answer.bytes(), StandardCharsets.UTF_8));
        return answer.succeeded() ? 0 : 1;
    }

    /** A node's answer to a command: its result, or its report of the refusal on nodes/{n}/errors. */
    private record Answer(byte[] bytes, Map<?, ?> fields, boolean replied) {
        boolean succeeded() {
            return replied && !Boolean.FALSE.equals(fields.get("success")) && fields.get("error") == null;
        }
    }

    /** Sends {@code kind} to {@code node} (signed with the key, if one was given); its answer, or null when none came in time. */
    private Answer send(MqttClient client, String node, String kind, Map<?, ?> body) throws MqttException, IOException,
            GeneralSecurityException {
        String id = "ctl-" + UUID.randomUUID();
        String replyTo = "replies/ctl/" + id;
        Map<String, Object> command = new LinkedHashMap<>();
        body.forEach((field, value) -> command.put(String.valueOf(field), value));
        command.put("request_id", id);
        command.put("reply_to", replyTo);
        CompletableFuture<byte[]> reply = new CompletableFuture<>();
        CompletableFuture<byte[]> refusal = new CompletableFuture<>();
        client.subscribe(replyTo, 1, (topic, message) -> reply.complete(message.getPayload()));
        client.subscribe("nodes/" + node + "/errors", 1, (topic, message) -> {
            // A refusal before the command was read names no request; a report of something else names another
            if (!message.isRetained()) {
                Object named = JSON.readValue(message.getPayload(), Map.class).get("request_id");
                if (named == null || named.equals(id)) {
                    refusal.complete(message.getPayload());
                }
            }
        });
        byte[] document = JSON.writeValueAsBytes(key == null ? command
                : OperatorSigner.of(key).sign(node, kind, JSON.writeValueAsString(command), clock.instant(), VALIDITY));
        client.publish("nodes/" + node + "/" + kind, document, 1, false);
        byte[] answer = first(reply, refusal);
        client.unsubscribe(new String[] {replyTo, "nodes/" + node + "/errors"});
        return answer == null ? null : new Answer(answer, JSON.readValue(answer, Map.class), reply.isDone());
    }

    /**
     * Moves {@code agent} to {@code target}: the online node whose list has it is sent the migrate
     * command, and its result is the move's.
     */
    private int migrate(MqttClient client, String agent, String target) throws MqttException, IOException,
            GeneralSecurityException {
        for (Map.Entry<String, Object> node : statuses(client).entrySet()) {
            if (!(node.getValue() instanceof Map<?, ?> status) || !"online".equals(status.get("status"))) {
                continue;
            }
            Answer listed = send(client, node.getKey(), "list", Map.of());
            if (listed != null && listed.fields().get("agents") instanceof List<?> agents && agents.stream()
                    .anyMatch(entry -> entry instanceof Map<?, ?> found && agent.equals(found.get("name")))) {
                return command(client, node.getKey(), "migrate", Map.of("name", agent, "target_node", target));
            }
        }
        out.println(JSON.writeValueAsString(Map.of("success", false, "error", "no online node runs an agent named " + agent)));
        return 1;
    }

    private int ask(MqttClient client, String agent, String payload) throws MqttException, IOException {
        String id = "ctl-" + UUID.randomUUID();
        String replyTo = "replies/ctl/" + id;
        CompletableFuture<byte[]> reply = new CompletableFuture<>();
        client.subscribe(replyTo, 1, (topic, message) -> reply.complete(message.getPayload()));
        Object body;
        try {
            body = JSON.readValue(payload, Object.class);
        } catch (IOException notJson) {
            body = payload;
        }
        Map<String, Object> task = new LinkedHashMap<>();
        task.put("payload", body);
        task.put("_reply_topic", replyTo);
        task.put("request_id", id);
        client.publish("agents/by-name/" + agent + "/task", JSON.writeValueAsBytes(task), 1, false);
        byte[] answer = first(reply, new CompletableFuture<>());
        if (answer == null) {
            out.println("{\"error\": \"no answer from agent " + agent + " within " + timeout.toSeconds() + " s\"}");
            return 2;
        }
        out.println(new String(answer, StandardCharsets.UTF_8));
        return JSON.readValue(answer, Map.class).get("error") == null ? 0 : 1;
    }

    private int nodes(MqttClient client) throws MqttException, IOException {
        out.println(JSON.writeValueAsString(statuses(client)));
        return 0;
    }

    /** The retained statuses of the nodes, by name: read until none came for half a second, within the timeout. */
    private Map<String, Object> statuses(MqttClient client) throws MqttException {
        Map<String, Object> statuses = new java.util.concurrent.ConcurrentSkipListMap<>();
        long[] last = {System.nanoTime()};
        client.subscribe("nodes/+/status", 1, (topic, message) -> {
            statuses.put(topic.split("/")[1], JSON.readValue(message.getPayload(), Map.class));
            last[0] = System.nanoTime();
        });
        long end = System.nanoTime() + timeout.toNanos();
        try {
            while (System.nanoTime() < end && System.nanoTime() - last[0] < TimeUnit.MILLISECONDS.toNanos(500)) {
                Thread.sleep(50); // the broker sends what it retains at once; a pause means it is done
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        client.unsubscribe("nodes/+/status");
        return statuses;
    }

    private byte[] first(CompletableFuture<byte[]> reply, CompletableFuture<byte[]> refusal) {
        try {
            return (byte[]) CompletableFuture.anyOf(reply, refusal).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private MqttClient connect() throws IOException, GeneralSecurityException {
        try {
            MqttClient client = new MqttClient(broker, "ctl-" + UUID.randomUUID().toString().substring(0, 8), new MemoryPersistence());
            MqttConnectOptions options = new MqttConnectOptions();
            options.setCleanSession(true);
            options.setConnectionTimeout((int) Math.max(1, timeout.toSeconds()));
            if (broker.startsWith("ssl://")) {
                if (trust == null) {
                    throw new IllegalArgumentException("an ssl:// broker needs --trust ca.crt");
                }
                options.setSocketFactory(FleetTls.context(identity, trust).getSocketFactory());
            }
            client.connect(options);
            return client;
        } catch (MqttException e) {
            throw new IOException("cannot reach the broker " + broker + ": " + e.getMessage()
                    + (e.getCause() == null ? "" : " (" + e.getCause().getMessage() + ")"), e);
        }
    }

    /** The spawn config in {@code file}, or on standard input for {@code -}; a clear error when it is no JSON object. */
    private static Map<?, ?> spawnConfig(String file) throws IOException {
        String text = file.equals("-") ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8)
                : Files.readString(Path.of(file));
        try {
            return JSON.readValue(text, Map.class);
        } catch (IOException e) {
            throw new IllegalArgumentException((file.equals("-") ? "standard input" : file)
                    + " holds no spawn config (a JSON object): " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    private static List<String> words(List<String> words, int count, String shape) {
        if (words.size() != count) {
            throw new IllegalArgumentException("ctl " + shape + "\n" + USAGE);
        }
        return new ArrayList<>(words);
    }

    private static void close(MqttClient client) {
        try {
            client.disconnect(2000);
            client.close(true);
        } catch (MqttException e) {
            // leaving: the broker ends the session either way
        }
    }
}
