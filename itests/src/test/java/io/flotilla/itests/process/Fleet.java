package io.flotilla.itests.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.flotilla.mqtt.testing.MosquittoBroker;
import io.flotilla.mqtt.testing.MqttProbe;

/**
 * A broker and nodes started with bin/flotilla, as a user starts them. With a Mosquitto broker,
 * every node joins it with {@code --broker}; with the embedded broker, the first node hosts it
 * ({@code --port}) and the others join that node.
 */
public final class Fleet implements AutoCloseable {

    /** Which broker the fleet talks through. */
    public enum BrokerKind { MOSQUITTO, EMBEDDED }

    private final BrokerKind kind;
    private final Installation installation;
    private final Path work;
    private final MosquittoBroker mosquitto;
    private final int port;
    private final Map<String, NodeProcess> nodes = new LinkedHashMap<>();
    private final List<MqttProbe> probes = new ArrayList<>();
    private String host;

    private Fleet(BrokerKind kind, Installation installation, Path work, MosquittoBroker mosquitto, int port) {
        this.kind = kind;
        this.installation = installation;
        this.work = work;
        this.mosquitto = mosquitto;
        this.port = port;
    }

    /** Starts the broker and the named nodes, and waits until every node is online. */
    public static Fleet start(BrokerKind kind, Installation installation, String... names) throws Exception {
        Fleet fleet = prepare(kind, installation);
        try {
            fleet.startNodes(names);
            return fleet;
        } catch (Exception | AssertionError e) {
            fleet.close(); // no node outlives a failed start
            throw e;
        }
    }

    /**
     * A fleet without nodes yet: Mosquitto is started, if that is the broker, and nodes may be
     * {@link #configure configured} before {@link #startNodes} starts them.
     */
    public static Fleet prepare(BrokerKind kind, Installation installation) throws Exception {
        Path work = installation.root().getParent().resolve("fleet-" + kind.name().toLowerCase());
        Installation.deleteRecursively(work);
        MosquittoBroker mosquitto = kind == BrokerKind.MOSQUITTO ? MosquittoBroker.start(work.resolve("mosquitto")) : null;
        int port = mosquitto != null ? mosquitto.port() : MosquittoBroker.freePort();
        return new Fleet(kind, installation, work, mosquitto, port);
    }

    /** Starts the named nodes and waits until every one is online. */
    public void startNodes(String... names) throws Exception {
        for (String name : names) {
            startNode(name);
        }
        awaitBroker();
        for (String name : names) {
            awaitOnline(name);
        }
    }

    /**
     * Waits for the node's retained online status. A subscription made the moment the embedded broker
     * opened has been seen to get nothing at all (once in many runs): after a while a fresh one is tried.
     */
    private void awaitOnline(String name) throws Exception {
        long end = System.nanoTime() + NodeProcess.BOOT_LIMIT.toNanos();
        AssertionError last = null;
        while (System.nanoTime() < end) {
            try (MqttProbe probe = new MqttProbe(brokerUrl())) {
                probe.subscribe("nodes/" + name + "/status");
                probe.awaitJson("nodes/" + name + "/status", "status", "online", Duration.ofSeconds(20));
                return;
            } catch (AssertionError e) {
                last = e;
                System.out.println("No online status of " + name + " within 20 s; subscribing afresh");
            }
        }
        throw last != null ? last : new AssertionError("node " + name + " not online");
    }

    /** The instance directory of node {@code name} (it may not exist yet). */
    public Path home(String name) {
        return work.resolve("homes").resolve(name);
    }

    /**
     * Sets {@code key} in the node's {@code etc/file} before it starts, as an operator edits its
     * configuration: an earlier value (continuation lines included) is replaced.
     */
    public Fleet configure(String node, String file, String key, String value) throws IOException {
        NodeProcess.configure(installation, home(node), file, key, value);
        return this;
    }

    public String brokerUrl() {
        return "tcp://127.0.0.1:" + port;
    }

    public int brokerPort() {
        return port;
    }

    public BrokerKind kind() {
        return kind;
    }

    /** Starts (or starts again, over its old home) the node {@code name}. */
    public NodeProcess startNode(String name, String... extraArgs) throws IOException {
        List<String> args = new ArrayList<>();
        if (kind == BrokerKind.EMBEDDED && (host == null || host.equals(name))) {
            host = name;
            args.addAll(List.of("--port", String.valueOf(port)));
        } else {
            args.addAll(List.of("--broker", "127.0.0.1:" + port));
        }
        args.addAll(List.of(extraArgs));
        NodeProcess node = NodeProcess.start(installation, name, home(name), args.toArray(String[]::new));
        nodes.put(name, node);
        return node;
    }

    public NodeProcess node(String name) {
        return nodes.get(name);
    }

    /** A new probe on the fleet's broker, closed with the fleet. */
    public MqttProbe probe(String... filters) throws Exception {
        MqttProbe probe = new MqttProbe(brokerUrl()).subscribe(filters);
        probes.add(probe);
        return probe;
    }

    /** Restarts the broker: Mosquitto (keeping its persistence) or the node that hosts the embedded one. */
    public void restartBroker() throws Exception {
        if (mosquitto != null) {
            mosquitto.restart();
        } else {
            NodeProcess hosting = nodes.get(host);
            hosting.stop();
            startNode(host).awaitStarted();
            awaitBroker();
        }
    }

    /** Waits until the broker accepts connections (the embedded one starts with its node). */
    public void awaitBroker() throws InterruptedException {
        long end = System.nanoTime() + NodeProcess.BOOT_LIMIT.toNanos();
        while (!accepts()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("no broker on " + brokerUrl() + " after " + NodeProcess.BOOT_LIMIT.toSeconds() + " s");
            }
            Thread.sleep(50);
        }
    }

    private boolean accepts() {
        return MosquittoBroker.listening(port);
    }

    /** Closes {@code fleet}, if there is one, after checking that no node's log shows broken wiring. */
    public static void closeChecked(Fleet fleet) throws Exception {
        if (fleet == null) {
            return;
        }
        try {
            fleet.assertNoWiringErrors();
        } finally {
            fleet.close();
        }
    }

    /** Fails when any node's log shows broken wiring. */
    public void assertNoWiringErrors() {
        for (NodeProcess node : nodes.values()) {
            List<String> errors = node.wiringErrors();
            if (!errors.isEmpty()) {
                throw new AssertionError("node " + node.name() + " has wiring errors:\n" + String.join("\n", errors));
            }
        }
    }

    public String brokerHost() {
        return host;
    }

    @Override
    public void close() throws Exception {
        for (MqttProbe probe : probes) {
            try {
                probe.close();
            } catch (Exception e) {
                // the broker may be gone already
            }
        }
        for (NodeProcess node : nodes.values()) {
            node.close();
        }
        if (mosquitto != null) {
            mosquitto.close();
        }
    }

    public static final Duration LIMIT = Duration.ofSeconds(30);
}
