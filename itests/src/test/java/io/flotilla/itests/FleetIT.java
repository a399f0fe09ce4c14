package io.flotilla.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import javax.inject.Inject;

import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

import io.flotilla.api.AskException;
import io.flotilla.api.NodeInfo;
import io.flotilla.api.Reply;
import io.flotilla.itests.process.Installation;
import io.flotilla.itests.process.NodeProcess;
import io.flotilla.runtime.CommandResult;
import io.flotilla.runtime.FleetControl;
import io.flotilla.runtime.FleetRegistry;
import io.flotilla.runtime.MigrationResult;
import io.flotilla.runtime.Migrations;
import io.flotilla.runtime.SpawnConfig;
import io.flotilla.runtime.TaskStatus;
import io.flotilla.runtime.Tasks;
import io.flotilla.spi.fleet.FleetLink;

/**
 * The fleet seen from one node (this container, which hosts the broker) with two worker nodes
 * started as processes: the registry, placement by capability, messaging by name across nodes.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class FleetIT extends FlotillaTestSupport {

    private static final Duration LIMIT = Duration.ofSeconds(30);
    private static NodeProcess gpu;
    private static NodeProcess camera;

    @Inject
    private FleetRegistry registry;

    @Inject
    private FleetControl fleet;

    @Inject
    private Tasks tasks;

    @Inject
    private Migrations migrations;

    /** This node's own connection, used here to publish what a stranger on the broker could. */
    @Inject
    private FleetLink link;

    @Override
    protected Option[] extraOptions() {
        return new Option[] {editConfigurationFilePut("etc/io.flotilla.registry.cfg", "node.expiry", "5")};
    }

    @Before
    public void startWorkers() throws Exception {
        if (gpu == null) {
            Installation installation = Installation.unpack("fleet-it");
            String broker = "127.0.0.1:" + brokerPort();
            gpu = NodeProcess.start(installation, "gpu-worker", installation.root().getParent().resolve("gpu"),
                    "--broker", broker, "--capabilities", "gpu,cuda");
            camera = NodeProcess.start(installation, "camera-worker", installation.root().getParent().resolve("camera"),
                    "--broker", broker, "--capabilities", "camera");
            closeWhenTheContainerEnds(gpu, camera);
        }
        await("both workers online", LIMIT, () -> online("gpu-worker") && online("camera-worker"));
    }

    private boolean online(String node) {
        return registry.node(node).map(d -> d.info().online()).orElse(false);
    }

    private <T> T get(java.util.concurrent.CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(LIMIT.toSeconds(), TimeUnit.SECONDS);
    }

    private static AskException askFailure(CompletableFuture<Reply> reply) throws Exception {
        try {
            reply.get(LIMIT.toSeconds(), TimeUnit.SECONDS);
            throw new AssertionError("the ask should have failed");
        } catch (java.util.concurrent.ExecutionException e) {
            return (AskException) e.getCause();
        }
    }

    @Test
    public void theRegistryKnowsEveryNodeWithItsCapabilitiesAndLoad() {
        NodeInfo worker = registry.node("gpu-worker").orElseThrow().info();
        assertTrue(worker.capabilities().containsAll(List.of("gpu", "cuda")));
        assertTrue(worker.capabilities().stream().anyMatch(c -> c.startsWith("cpus=")));
        assertTrue(worker.incarnation() > 0);
        assertTrue(online("itest-node"));

        String list = executeCommand("node:list");
        assertTrue(list, list.matches("(?s).*gpu-worker\\s*\\|\\s*online\\s*\\|\\s*gpu, cuda.*"));
        String info = executeCommand("node:info camera-worker");
        assertTrue(info, info.contains("Capabilities: camera"));
        assertTrue(executeCommand("node:ping gpu-worker"), executeCommand("node:ping gpu-worker").startsWith("pong from gpu-worker in "));
    }

    @Test
    public void aRestartedRegistryKnowsTheWholeFleetAgainWithinTwoSeconds() throws Exception {
        Bundle bundle = java.util.Arrays.stream(bundleContext.getBundles())
                .filter(b -> "flotilla-registry".equals(b.getSymbolicName())).findFirst().orElseThrow();
        bundle.stop();
        bundle.start();
        long started = System.nanoTime();
        FleetRegistry restarted = awaitValue("the registry service", () -> {
            var reference = bundleContext.getServiceReference(FleetRegistry.class);
            return reference == null ? null : bundleContext.getService(reference);
        });

        await("the fleet known again", Duration.ofSeconds(2), () -> restarted.nodes().stream()
                .filter(NodeInfo::online).map(NodeInfo::name).toList().containsAll(List.of("gpu-worker", "camera-worker", "itest-node")));
        long millis = (System.nanoTime() - started) / 1_000_000;
        System.out.println("Fleet known again " + millis + " ms after the registry restarted");
    }

    @Test
    public void aNodeThatStopsBeatingIsOfflineWithinThreeHeartbeats() throws Exception {
        // Frozen, the worker keeps its TCP connection: no Will, only its silence tells.
        new ProcessBuilder("kill", "-STOP", String.valueOf(camera.pid())).start().waitFor();
        long frozen = System.nanoTime();
        try {
            await("camera-worker offline", Duration.ofSeconds(10), () -> !online("camera-worker"));
            double seconds = (System.nanoTime() - frozen) / 1e9;
            assertTrue("offline after " + seconds + " s; heartbeats come every second", seconds <= 3 * 1 + 1.5);
            assertEquals("missed 3 heartbeats", registry.node("camera-worker").orElseThrow().statusReason());
        } finally {
            new ProcessBuilder("kill", "-CONT", String.valueOf(camera.pid())).start().waitFor();
        }
        await("camera-worker back", LIMIT, () -> online("camera-worker"));
    }

    @Test
    public void aLateWillOfAnOlderIncarnationDoesNotTakeALiveNodeOffline() throws Exception {
        long incarnation = registry.node("gpu-worker").orElseThrow().info().incarnation();
        link.publish("nodes/gpu-worker/status", Map.of("node", "gpu-worker", "status", "offline",
                "incarnation", incarnation - 1, "reason", "connection lost"), false);
        link.publish("nodes/ghost/status", Map.of("node", "ghost", "status", "offline", "incarnation", 1), false);
        await("the marker", LIMIT, () -> registry.node("ghost").isPresent());
        assertTrue("still online", online("gpu-worker"));
    }

    @Test
    public void aNodeOfflineLongerThanTheExpiryIsForgotten() throws Exception {
        link.publish("nodes/passing/heartbeat", Map.of("node", "passing", "incarnation", 3, "capabilities", List.of(),
                "agents", List.of()), false);
        await("passing known", LIMIT, () -> online("passing"));
        link.publish("nodes/passing/status", Map.of("node", "passing", "status", "offline", "incarnation", 3), false);
        await("passing offline", LIMIT, () -> !online("passing"));
        long offline = System.nanoTime();
        await("passing forgotten", Duration.ofSeconds(15), () -> registry.node("passing").isEmpty());
        double seconds = (System.nanoTime() - offline) / 1e9;
        assertTrue("forgotten after " + seconds + " s with node.expiry 5", seconds >= 4.5);
    }

    @Test
    public void aSpawnRequiringCapabilitiesGoesToANodeThatHasThem() throws Exception {
        CommandResult placed = get(fleet.spawn(SpawnConfig.fromMap(Map.of("name", "trainer", "type", "echo",
                "requires", List.of("gpu", "cuda"))), LIMIT));
        assertEquals("gpu-worker", placed.node());
        assertTrue(placed.toString(), placed.success());
        assertEquals("running", placed.fields().get("state"));

        String shell = executeCommand("agent:spawn --type counter --name snapper --requires camera");
        assertTrue(shell, shell.contains("Spawned snapper (counter) on camera-worker: running"));

        CommandFailed none = commandFails("agent:spawn --type echo --name lidar-echo --requires lidar");
        assertTrue(none.getMessage(), none.getMessage().contains("no online node has all of [lidar]"));

        String remote = executeCommand("agent:list --node gpu-worker");
        assertTrue(remote, remote.contains("trainer"));
        String all = executeCommand("agent:list --all");
        assertTrue(all, all.contains("trainer") && all.contains("snapper"));
        executeCommand("agent:stop --node camera-worker --delete snapper");
        assertFalse(executeCommand("agent:list --node camera-worker").contains("snapper"));
    }

    @Test
    public void agentsAreAskedByNameAcrossNodes() throws Exception {
        get(fleet.spawn(SpawnConfig.fromMap(Map.of("name", "far-echo", "type", "echo", "node", "gpu-worker")), LIMIT));
        get(fleet.spawn(SpawnConfig.fromMap(Map.of("name", "far-relay", "type", "relay", "node", "camera-worker",
                "config", Map.of("target", "far-echo"))), LIMIT));
        spawn(Map.of("name", "near-relay", "type", "relay", "config", Map.of("target", "far-relay")));

        Reply direct = get(agents.ask("far-echo", Map.of("hello", "there"), LIMIT));
        assertEquals(Map.of("hello", "there"), direct.value());
        assertEquals("far-echo", direct.from());

        Reply nested = get(agents.ask("near-relay", "round trip", LIMIT));
        assertEquals("this node -> camera-worker -> gpu-worker and back", "round trip", nested.value());

        assertEquals("\"by shell\"", executeCommand("agent:send far-echo '\"by shell\"'").trim());
    }

    @Test
    public void aThousandConcurrentAsksAreEachAnsweredWithTheirOwnReply() throws Exception {
        get(fleet.spawn(SpawnConfig.fromMap(Map.of("name", "busy-echo", "type", "echo", "node", "gpu-worker",
                "poll_interval", 0)), LIMIT));
        int count = 1000;
        List<CompletableFuture<Reply>> replies = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            replies.add(agents.ask("busy-echo", Map.of("n", i), LIMIT).toCompletableFuture());
        }
        for (int i = 0; i < count; i++) {
            assertEquals(Map.of("n", i), replies.get(i).get(LIMIT.toSeconds(), TimeUnit.SECONDS).value());
        }
        System.out.printf("1000 concurrent asks across nodes answered in %.0f ms%n", (System.nanoTime() - start) / 1e6);
    }

    @Test
    public void anAskAlwaysEnds() throws Exception {
        AskException nobody = askFailure(agents.ask("nobody-anywhere", "hello?", LIMIT).toCompletableFuture());
        assertEquals(AskException.Reason.NO_SUCH_AGENT, nobody.reason());
        assertTrue(nobody.getMessage(), nobody.getMessage().contains("no agent named nobody-anywhere on any online node"));

        get(fleet.spawn(SpawnConfig.fromMap(Map.of("name", "slow-echo", "type", "echo", "node", "gpu-worker",
                "config", Map.of("reply_delay", 10))), LIMIT));
        long start = System.nanoTime();
        AskException slow = askFailure(agents.ask("slow-echo", "take your time", Duration.ofSeconds(1)).toCompletableFuture());
        assertEquals(AskException.Reason.TIMEOUT, slow.reason());
        assertTrue("ended at its timeout", (System.nanoTime() - start) / 1e9 < 3);

        get(fleet.spawn(SpawnConfig.fromMap(Map.of("name", "picky", "type", "counter", "node", "camera-worker",
                "poll_interval", 0)), LIMIT));
        AskException threw = askFailure(agents.ask("picky", "reset", LIMIT).toCompletableFuture());
        assertEquals(AskException.Reason.HANDLER_FAILED, threw.reason());
        assertTrue(threw.getMessage(), threw.getMessage().contains("counter understands"));

        get(fleet.stop("camera-worker", "picky", false, LIMIT));
        AskException stopped = askFailure(agents.ask("picky", "get", LIMIT).toCompletableFuture());
        assertEquals(AskException.Reason.NOT_RUNNING, stopped.reason());
    }

    @Test
    public void aTaskSentNowCanBeFetchedLaterByItsId() throws Exception {
        get(fleet.spawn(SpawnConfig.fromMap(Map.of("name", "task-echo", "type", "echo", "node", "camera-worker")), LIMIT));
        String id = executeCommand("agent:send --async task-echo '\"later\"'").trim();
        assertTrue(id, id.startsWith("task-"));

        await("the task done", LIMIT, () -> tasks.status(id).map(s -> s.state() == TaskStatus.State.DONE).orElse(false));
        String result = executeCommand("agent:result " + id);
        assertTrue(result, result.contains("Status: done") && result.contains("Result: \"later\""));
    }

    @Test
    public void agentsMoveBetweenNodesFromTheShellAndTheJavaApi() throws Exception {
        spawn(Map.of("name", "nomad", "type", "counter", "poll_interval", 0));
        assertEquals(3L, ((Number) get(agents.ask("nomad", Map.of("add", 3), LIMIT)).value()).longValue());

        String moved = executeCommand("agent:migrate nomad gpu-worker");
        assertTrue(moved, moved.startsWith("Moved nomad from itest-node to gpu-worker in "));
        assertEquals(4L, ((Number) get(agents.ask("nomad", Map.of("add", 1), LIMIT)).value()).longValue());

        MigrationResult onward = get(migrations.migrate("nomad", "camera-worker", LIMIT));
        assertTrue(onward.toString(), onward.success());
        assertEquals("asked by this node, moved by the one holding it", "gpu-worker", onward.fromNode());
        assertEquals(5L, ((Number) get(agents.ask("nomad", Map.of("add", 1), LIMIT)).value()).longValue());
        assertTrue(get(fleet.agents("camera-worker", LIMIT)).stream().anyMatch(a -> a.name().equals("nomad") && a.epoch() == 2));

        CommandFailed nowhere = commandFails("agent:migrate nomad atlantis");
        assertTrue(nowhere.getMessage(), nowhere.getMessage().contains("node atlantis is unknown"));
    }

    @Test
    public void remoteWorkersAreStartedListedAndStoppedThroughTheJavaApi() throws Exception {
        CommandResult started = get(fleet.spawn(SpawnConfig.fromMap(Map.of("name", "worker-1", "type", "counter",
                "node", "camera-worker", "poll_interval", 0.1)), LIMIT));
        assertEquals("camera-worker", started.node());
        assertTrue(get(fleet.agents("camera-worker", LIMIT)).stream().anyMatch(a -> a.name().equals("worker-1")));
        assertTrue(get(fleet.stop("camera-worker", "worker-1", true, LIMIT)).success());
        assertFalse(get(fleet.agents("camera-worker", LIMIT)).stream().anyMatch(a -> a.name().equals("worker-1")));
        CommandResult missing = get(fleet.stop("camera-worker", "worker-1", false, LIMIT));
        assertFalse(missing.success());
        assertTrue(missing.error(), missing.error().contains("no agent named worker-1"));
    }
}
