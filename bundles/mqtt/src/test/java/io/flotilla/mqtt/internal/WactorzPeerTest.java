package io.flotilla.mqtt.internal;

import static io.flotilla.core.testing.Sandbox.agent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.flotilla.core.testing.Sandbox;
import io.flotilla.mqtt.testing.Await;
import io.flotilla.mqtt.testing.Configs;
import io.flotilla.mqtt.testing.MosquittoBroker;
import io.flotilla.mqtt.testing.MqttProbe;

/**
 * Asks between a Flotilla node and a Wactorz runner, with the runner played by a probe that sends
 * and answers exactly what the runner does (../shared/reference/wactorz-wire-formats.md): a
 * {@code send_to} carries no request id, so its reply is what the agent reads; the runner's reply
 * echoes no request id, so the Flotilla node tells it by its topic. {@code MixedFleetIT} does the
 * same against the real runner.
 */
class WactorzPeerTest {

    private static final Duration LIMIT = Duration.ofSeconds(20);
    private static final String RUNNER_REPLY = "nodes/wnode/reply/1a2b3c4d";

    @TempDir
    Path directory;

    private MosquittoBroker broker;
    private Sandbox agents;
    private MqttConnection connection;
    private ReplyRouter replies;
    private TaskRouter tasks;
    private MqttProbe runner;

    @BeforeEach
    void startNodeBesideARunner() throws Exception {
        assumeTrue(MosquittoBroker.require(), "mosquitto is not installed (apt-get install mosquitto)");
        broker = MosquittoBroker.start(directory.resolve("broker"));
        agents = Sandbox.create();
        agents.addType("echo", agents.script().onHandle((message, ctx) -> switch (String.valueOf(message.payload())) {
            case "text" -> "plain words";
            case "fail" -> throw new IllegalStateException("no reading yet");
            default -> Map.of("echo", message.payload());
        }));
        connection = new MqttConnection(MqttSettings.from(Configs.of(MqttConfig.class, Map.of(
                "broker_port", broker.port(), "reconnect_min", 0.05, "reconnect_max", 0.5)), "north"), "north");
        replies = new ReplyRouter(connection);
        tasks = new TaskRouter(connection, agents.system(), replies);
        agents.system().addListener(tasks);
        agents.spawn(agent("echo", "echo"));
        agents.time().runReady();
        SubscriptionsSent.await(connection, LIMIT);
        runner = new MqttProbe(broker.url()).subscribe("nodes/#", "agents/by-name/#");
    }

    @AfterEach
    void stopAll() throws Exception {
        for (AutoCloseable part : new AutoCloseable[] {runner, tasks == null ? null : tasks::deactivate,
                replies == null ? null : replies::deactivate, connection == null ? null : connection::deactivate, agents,
                broker}) {
            if (part != null) {
                part.close();
            }
        }
    }

    /** What the runner's {@code send_to(name, payload)} gets back, with the node's time moving meanwhile. */
    private Map<String, Object> sendTo(String payloadJson) throws Exception {
        runner.forget();
        runner.publish("agents/by-name/echo/task",
                "{\"_remote_task\": true, \"_reply_topic\": \"" + RUNNER_REPLY + "\", \"payload\": " + payloadJson + "}");
        Await.until("the reply on " + RUNNER_REPLY, LIMIT, () -> {
            agents.time().runReady();
            return !runner.seenOn(RUNNER_REPLY).isEmpty();
        });
        return runner.seenOn(RUNNER_REPLY).get(0).json();
    }

    @Test
    void aWactorzSendToGetsTheHandlersObjectAsItIs() throws Exception {
        assertEquals(Map.of("echo", Map.of("x", 1)), sendTo("{\"x\": 1}"));
    }

    @Test
    void aWactorzSendToGetsAnyOtherResultAsResult() throws Exception {
        assertEquals(Map.of("result", "plain words"), sendTo("\"text\""));
    }

    @Test
    void aWactorzSendToGetsAFailureInTheRunnersErrorShape() throws Exception {
        Map<String, Object> reply = sendTo("\"fail\"");

        assertEquals("handle_task", reply.get("error_phase"));
        assertEquals("echo", reply.get("agent"));
        assertTrue(String.valueOf(reply.get("error")).contains("no reading yet"), reply.toString());
    }

    @Test
    void anAskToAWactorzAgentIsToldByItsReplyTopic() throws Exception {
        CompletableFuture<Map<String, Object>> asked = replies.requestWithOwnTopic("agents/by-name/wecho/task",
                Map.of("payload", Map.of("x", 1)), "_reply_topic", LIMIT).toCompletableFuture();
        Map<String, Object> task = runner.await("agents/by-name/wecho/task", seen -> true, LIMIT).json();
        String replyTopic = (String) task.get("_reply_topic");
        assertTrue(replyTopic.startsWith("nodes/north/reply/"), replyTopic);

        runner.publish(replyTopic, "{\"echo\": {\"x\": 1}}"); // the runner's reply: no request id

        Map<String, Object> reply = asked.get(LIMIT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(Map.of("echo", Map.of("x", 1)), reply.get("result"));
        assertEquals(0, replies.waiting());
    }

    @Test
    void aWactorzRunnersPlainResultAndErrorKeepTheirShape() throws Exception {
        CompletableFuture<Map<String, Object>> text = replies.requestWithOwnTopic("agents/by-name/wecho/task",
                Map.of("payload", "n"), "_reply_topic", LIMIT).toCompletableFuture();
        runner.publish((String) runner.await("agents/by-name/wecho/task", seen -> true, LIMIT).json().get("_reply_topic"),
                "{\"result\": \"5\"}");
        assertEquals("5", text.get(LIMIT.toSeconds(), TimeUnit.SECONDS).get("result"));

        runner.forget();
        CompletableFuture<Map<String, Object>> error = replies.requestWithOwnTopic("agents/by-name/wecho/task",
                Map.of("payload", "n"), "_reply_topic", LIMIT).toCompletableFuture();
        runner.publish((String) runner.await("agents/by-name/wecho/task", seen -> true, LIMIT).json().get("_reply_topic"),
                "{\"error\": \"Agent 'wecho' has no handle_task function.\"}");
        assertEquals("Agent 'wecho' has no handle_task function.", error.get(LIMIT.toSeconds(), TimeUnit.SECONDS).get("error"));
    }
}
