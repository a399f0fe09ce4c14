package io.flotilla.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.FixMethodOrder;
import org.junit.Test;
import org.junit.runners.MethodSorters;

import io.flotilla.itests.process.Fleet;
import io.flotilla.itests.process.Installation;
import io.flotilla.itests.process.NodeProcess;
import io.flotilla.itests.process.OperatorShell;
import io.flotilla.itests.sim.FleetSimulator;
import io.flotilla.mqtt.testing.MosquittoBroker;
import io.flotilla.mqtt.testing.MqttProbe;

/**
 * The fleet at the size CI affords: 200 simulated nodes with 10 agents each and two real Flotilla
 * nodes, all on one Mosquitto. Each real node's fleet view must hold every node and agent, lose the
 * nodes whose connections are cut (their Wills) and get them back, place a spawn by capability on a
 * simulated node, ask an agent there by name, and hold the whole fleet again after a restart. It
 * checks counts and answers, never timings: {@code benchmarks/run --only fleet} measures those.
 */
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class FleetScaleIT {

    private static final int NODES = 200;
    private static final int AGENTS_PER_NODE = 10;
    private static final int REAL_NODES = 2;
    private static final Duration LIMIT = Duration.ofSeconds(60);

    private static Installation installation;
    private static Fleet fleet;
    private static FleetSimulator simulator;
    private static OperatorShell alpha;
    private static OperatorShell beta;
    private static int betaSsh;

    @BeforeClass
    public static void startTheFleet() throws Exception {
        installation = Installation.unpack("scale");
        fleet = Fleet.prepare(Fleet.BrokerKind.MOSQUITTO, installation);
        int alphaSsh = MosquittoBroker.freePort();
        betaSsh = MosquittoBroker.freePort();
        NodeProcess.prepareHome(installation, fleet.home("alpha"));
        NodeProcess.prepareHome(installation, fleet.home("beta"));
        alpha = OperatorShell.allow(fleet.home("alpha"), alphaSsh);
        beta = OperatorShell.allow(fleet.home("beta"), betaSsh);
        try (MqttProbe probe = fleet.probe("nodes/+/status")) {
            fleet.startNode("alpha", "--ssh-port", String.valueOf(alphaSsh));
            fleet.startNode("beta", "--ssh-port", String.valueOf(betaSsh));
            probe.awaitJson("nodes/alpha/status", "status", "online", NodeProcess.BOOT_LIMIT);
            probe.awaitJson("nodes/beta/status", "status", "online", NodeProcess.BOOT_LIMIT);
        }
        simulator = FleetSimulator.start(new FleetSimulator.Plan("127.0.0.1", fleet.brokerPort(), "sim", NODES, AGENTS_PER_NODE,
                FleetSimulator.gpuEvery(20)), LIMIT);
    }

    @AfterClass
    public static void stopTheFleet() throws Exception {
        if (simulator != null) {
            simulator.close();
        }
        Fleet.closeChecked(fleet);
    }

    @Test
    public void aEveryRealNodeSeesTheWholeFleet() throws Exception {
        String whole = summary(NODES + REAL_NODES, 0, NODES * AGENTS_PER_NODE);

        awaitSummary(alpha, whole);
        awaitSummary(beta, whole);
        assertEquals(NODES, simulator.connected());
    }

    @Test
    public void bNodesCutOffGoOfflineInEveryViewAndComeBack() throws Exception {
        awaitSummary(alpha, summary(NODES + REAL_NODES, 0, simulator.agents()));
        List<String> killed = simulator.kill(NODES / 10);

        String cut = summary(NODES + REAL_NODES, NODES / 10, simulator.agents());
        awaitSummary(alpha, cut);
        awaitSummary(beta, cut);
        String info = alpha.run("node:info " + killed.get(0));
        assertTrue(info, info.contains("offline") && info.contains("connection lost"));

        simulator.revive(killed, LIMIT);
        String whole = summary(NODES + REAL_NODES, 0, simulator.agents());
        awaitSummary(alpha, whole);
        awaitSummary(beta, whole);
    }

    @Test
    public void cASpawnThatRequiresAGpuIsPlacedOnASimulatedNodeWithOne() throws Exception {
        String printed = alpha.run("agent:spawn --type sensor --name placed-on-a-gpu --requires gpu");

        assertTrue(printed, printed.matches("(?s)Spawned placed-on-a-gpu \\(sensor\\) on sim-\\d+: running.*"));
        String node = printed.replaceAll("(?s).* on (sim-\\d+):.*", "$1");
        assertEquals(printed, 0, Integer.parseInt(node.substring("sim-".length())) % 20);
        assertTrue(simulator.agentsOf(node).contains("placed-on-a-gpu"));
        String refused = alpha.run("agent:spawn --type sensor --name nowhere --requires tpu");
        assertTrue(refused, refused.contains("no online node has all of [tpu]"));
    }

    @Test
    public void dAnAskByNameReachesAnAgentOnASimulatedNode() throws Exception {
        long tasksBefore = simulator.counters().tasks();

        String reply = beta.run("agent:send sim-137-a7 '{\"question\": \"where are you\"}'");

        assertTrue(reply, reply.contains("where are you"));
        assertEquals(tasksBefore + 1, simulator.counters().tasks());
    }

    @Test
    public void eARestartedNodeHoldsTheWholeFleetAgain() throws Exception {
        fleet.node("beta").stop();
        try (MqttProbe probe = fleet.probe("nodes/beta/status")) {
            fleet.startNode("beta", "--ssh-port", String.valueOf(betaSsh));
            probe.awaitJson("nodes/beta/status", "status", "online", NodeProcess.BOOT_LIMIT);
        }

        awaitSummary(beta, summary(NODES + REAL_NODES, 0, simulator.agents()));
        assertEquals(0, simulator.counters().unreadable());
    }

    /** The line {@code node:list --summary} prints for such a fleet. */
    private static String summary(int nodes, int offline, int agents) {
        return nodes + " nodes: " + (nodes - offline) + " online, " + offline + " offline; " + agents + " agents on the online nodes";
    }

    private static void awaitSummary(OperatorShell shell, String expected) throws Exception {
        shell.awaitOutput("node:list --summary", printed -> printed.strip().equals(expected), LIMIT);
    }
}
