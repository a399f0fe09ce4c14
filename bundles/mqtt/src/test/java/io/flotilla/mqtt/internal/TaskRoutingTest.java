package io.flotilla.mqtt.internal;

import static io.flotilla.core.testing.Sandbox.agent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

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
 * Which node the broker gives a task to: only the node that holds the agent, through the durable
 * subscription its task router keeps for each agent it holds. Seen in the brokers' sessions: tasks
 * sent while both nodes are away wait only in the session of the holder.
 */
class TaskRoutingTest {

    private static final Duration LIMIT = Duration.ofSeconds(20);

    @TempDir
    Path directory;

    private MosquittoBroker broker;
    private final List<AutoCloseable> running = new ArrayList<>();

    @BeforeEach
    void startBroker() throws Exception {
        assumeTrue(MosquittoBroker.require(), "mosquitto is not installed (apt-get install mosquitto)");
        broker = MosquittoBroker.start(directory.resolve("broker"));
    }

    @AfterEach
    void stopAll() throws Exception {
        for (int i = running.size() - 1; i >= 0; i--) {
            running.get(i).close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    private MqttConnection connect(String node) throws Exception {
        MqttSettings settings = MqttSettings.from(Configs.of(MqttConfig.class, Map.of(
                "broker_port", broker.port(), "reconnect_min", 0.05, "reconnect_max", 0.5)), node);
        MqttConnection connection = new MqttConnection(settings, node);
        running.add(connection::deactivate);
        return connection;
    }

    /** A node that holds {@code agent}, with its task router, until it is stopped. */
    private AutoCloseable nodeHolding(String node, String agent) throws Exception {
        Sandbox agents = Sandbox.create();
        agents.addType("echo", agents.script());
        MqttConnection connection = connect(node);
        ReplyRouter replies = new ReplyRouter(connection);
        TaskRouter tasks = new TaskRouter(connection, agents.system(), replies);
        agents.system().addListener(tasks); // as the agent runtime binds it, being an event listener
        agents.spawn(agent(agent, "echo"));
        agents.time().runReady();
        SubscriptionsSent.await(connection, LIMIT);
        return () -> {
            tasks.deactivate(); // the agent's subscription stays in the node's broker session
            replies.deactivate();
            connection.deactivate();
            agents.close();
        };
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        Await.until(what, LIMIT, condition);
    }

    /** What the broker kept for {@code node} while it was away, in the order it kept it. */
    private List<String> tasksKeptFor(String node) throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        connect(node).subscribe("agents/by-name/+/task", (topic, payload, retained) -> received.add(topic));
        return received;
    }

    @Test
    void aTaskWaitsOnlyInTheSessionOfTheNodeThatHoldsItsAgent() throws Exception {
        try (AutoCloseable north = nodeHolding("north", "lighthouse"); AutoCloseable south = nodeHolding("south", "harbour")) {
            // Both nodes stop; their sessions, with the subscriptions of their agents, stay.
        }
        try (MqttProbe operator = new MqttProbe(broker.url())) {
            operator.publish("agents/by-name/lighthouse/task", "{\"payload\": \"for north\"}");
            operator.publish("agents/by-name/harbour/task", "{\"payload\": \"for south\"}");
            operator.publish("agents/by-name/lighthouse/task", "{\"payload\": \"for north again\"}");
        }

        List<String> north = tasksKeptFor("north");
        List<String> south = tasksKeptFor("south");

        // A session gives back what it kept in the order it kept it, so each node's last task comes
        // after any task it should not have been given.
        await("south's task", () -> south.contains("agents/by-name/harbour/task"));
        await("north's second task", () -> north.size() >= 2);
        assertEquals(List.of("agents/by-name/harbour/task"), south);
        assertEquals(List.of("agents/by-name/lighthouse/task", "agents/by-name/lighthouse/task"), north);
    }
}
