package io.flotilla.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.FixMethodOrder;
import org.junit.Test;
import org.junit.runners.MethodSorters;

import io.flotilla.itests.process.Installation;
import io.flotilla.itests.process.NodeProcess;
import io.flotilla.itests.process.OperatorShell;
import io.flotilla.mqtt.testing.MosquittoBroker;
import io.flotilla.mqtt.testing.MqttProbe;

/**
 * A fleet on two brokers: Mosquitto {@code A} and Mosquitto {@code B}, B bridged to A for the fleet's
 * topics in both directions. Node alpha lists both brokers (A first), beta knows only B, gamma only A.
 * What crosses the bridge (retained statuses, Wills, commands and their results, asks between nodes
 * on different brokers), and what a node does when its broker dies: it moves to the next broker of
 * its list within seconds and is reachable there; a retained spawn sent meanwhile runs once it is.
 */
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class BrokerFailoverIT {

    private static final Duration LIMIT = Duration.ofSeconds(60);

    private static MosquittoBroker brokerA;
    private static MosquittoBroker brokerB;
    private static NodeProcess alpha;
    private static NodeProcess beta;
    private static NodeProcess gamma;
    private static OperatorShell betaShell;
    private static MqttProbe onB;

    @BeforeClass
    public static void startTwoBridgedBrokersAndThreeNodes() throws Exception {
        Installation installation = Installation.unpack("failover");
        Path work = installation.root().getParent().resolve("failover-fleet");
        Installation.deleteRecursively(work);
        brokerA = MosquittoBroker.start(work.resolve("mosquitto-a"));
        brokerB = MosquittoBroker.startWith(work.resolve("mosquitto-b"),
                "connection to-a",
                "address 127.0.0.1:" + brokerA.port(),
                "topic nodes/# both 1",
                "topic agents/# both 1",
                "topic test/# both 1",
                "cleansession false",
                "restart_timeout 1 2",
                "notifications false");
        onB = new MqttProbe(brokerB.url()).subscribe("nodes/+/status", "test/#");
        int betaSsh = MosquittoBroker.freePort();
        NodeProcess.prepareHome(installation, work.resolve("beta"));
        betaShell = OperatorShell.allow(work.resolve("beta"), betaSsh);
        alpha = NodeProcess.start(installation, "alpha", work.resolve("alpha"), "--broker",
                "127.0.0.1:" + brokerA.port() + ",127.0.0.1:" + brokerB.port());
        beta = NodeProcess.start(installation, "beta", work.resolve("beta"), "--broker", "127.0.0.1:" + brokerB.port(),
                "--ssh-port", String.valueOf(betaSsh));
        gamma = NodeProcess.start(installation, "gamma", work.resolve("gamma"), "--broker", "127.0.0.1:" + brokerA.port());
        for (String node : new String[] {"alpha", "beta", "gamma"}) {
            onB.awaitJson("nodes/" + node + "/status", "status", "online", NodeProcess.BOOT_LIMIT);
        }
    }

    @AfterClass
    public static void stopAll() throws Exception {
        for (NodeProcess node : new NodeProcess[] {alpha, beta, gamma}) {
            if (node != null) {
                node.close();
            }
        }
        if (onB != null) {
            onB.close();
        }
        for (MosquittoBroker broker : new MosquittoBroker[] {brokerA, brokerB}) {
            if (broker != null) {
                broker.close();
            }
        }
    }

    @Test
    public void aCommandsAsksAndStatusesCrossTheBridge() throws Exception {
        Map<String, Object> spawned = spawnOnAlpha("echo-on-a", false);
        assertEquals(spawned.toString(), true, spawned.get("success"));

        String reply = betaShell.run("agent:send echo-on-a '{\"across\": \"the bridge\"}'");
        assertTrue(reply, reply.contains("the bridge"));
        awaitSummary("3 nodes: 3 online, 0 offline");
    }

    @Test
    public void bTheWillOfANodeOnOneBrokerReachesTheOther() throws Exception {
        gamma.kill();

        Map<String, Object> offline = onB.awaitJson("nodes/gamma/status", "status", "offline", LIMIT);
        assertEquals(offline.toString(), "connection lost", offline.get("reason"));
        awaitSummary("3 nodes: 2 online, 1 offline");
    }

    @Test
    public void cWhenItsBrokerDiesANodeMovesToTheNextAndIsReachableThere() throws Exception {
        long before = ((Number) onB.awaitJson("nodes/alpha/status", "status", "online", LIMIT).get("incarnation")).longValue();
        onB.forget();
        long killed = System.nanoTime();

        brokerA.kill();
        Map<String, Object> late = spawnOnAlpha("echo-while-moving", true); // retained: waits on B for alpha

        Map<String, Object> back = onB.awaitJson("nodes/alpha/status", "status", "online", LIMIT);
        long millis = (System.nanoTime() - killed) / 1_000_000;
        System.out.println("alpha was online on broker B " + millis + " ms after broker A was killed");
        assertTrue("incarnation " + back.get("incarnation") + " after " + before,
                ((Number) back.get("incarnation")).longValue() > before);
        assertTrue("alpha took " + millis + " ms to move to broker B", millis < 30_000);
        assertEquals(late.toString(), true, late.get("success"));
        String reply = betaShell.run("agent:send echo-on-a '{\"after\": \"the move\"}'");
        assertTrue(reply, reply.contains("the move"));
    }

    /** A spawn for alpha published on broker B; its result, which comes back through B. */
    private static Map<String, Object> spawnOnAlpha(String name, boolean retained) throws Exception {
        String requestId = "spawn-" + name;
        onB.publish("nodes/alpha/spawn", "{\"name\": \"" + name + "\", \"type\": \"echo\", \"request_id\": \"" + requestId
                + "\", \"reply_to\": \"test/results\"}", retained);
        return onB.awaitJson("test/results", "request_id", requestId, LIMIT);
    }

    private static void awaitSummary(String expected) throws Exception {
        betaShell.awaitOutput("node:list --summary", printed -> printed.strip().startsWith(expected), LIMIT);
    }
}
