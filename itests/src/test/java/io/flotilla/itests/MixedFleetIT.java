package io.flotilla.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import javax.inject.Inject;

import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.flotilla.api.AgentState;
import io.flotilla.api.NodeInfo;
import io.flotilla.api.Subscription;
import io.flotilla.itests.process.Installation;
import io.flotilla.itests.process.NodeProcess;
import io.flotilla.itests.process.WactorzRunner;
import io.flotilla.runtime.FleetControl;
import io.flotilla.runtime.FleetRegistry;
import io.flotilla.runtime.MigrationResult;
import io.flotilla.runtime.Migrations;
import io.flotilla.runtime.SpawnConfig;
import io.flotilla.spi.fleet.FleetLink;

/**
 * A fleet in transition: this node (hosting the broker), a Flotilla worker, and the real Wactorz
 * runner ({@code ../shared/peers/wactorz}) on one broker. The runner is a member of the fleet view,
 * asks go both ways in each side's shapes, and a move to the runner is refused at once. Skips, saying
 * why, where the runner or its Python packages are missing; WactorzPeerTest and FleetViewTest check
 * the same behaviour without it.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class MixedFleetIT extends FlotillaTestSupport {

    private static final Duration LIMIT = Duration.ofSeconds(30);
    private static final String WORKER = "flotilla-worker";
    private static final String RUNNER = "wnode";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Path work;
    private static NodeProcess worker;
    private static WactorzRunner runner;

    @Inject
    private FleetRegistry registry;

    @Inject
    private FleetControl fleet;

    @Inject
    private Migrations migrations;

    /** This node's broker link: the test publishes what an operator's Wactorz tools would. */
    @Inject
    private FleetLink link;

    @Override
    protected Option[] extraOptions() {
        return new Option[] {
            // The runner beats every 10 s and has no Will: two missed beats, not three, keep the wait short.
            editConfigurationFilePut("etc/io.flotilla.registry.cfg", "missed.heartbeats", "2"),
            systemProperty("flotilla.peers").value(System.getProperty("flotilla.peers", "../../shared/peers")),
        };
    }

    @Before
    public void startTheMixedFleet() throws Exception {
        Optional<String> missing = WactorzRunner.missing();
        if (missing.isPresent() && "true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError(missing.get() + "; .ci/run installs the packages, and CI has ../shared beside the project");
        }
        if (missing.isPresent()) {
            System.out.println("MixedFleetIT skipped: " + missing.get());
        }
        assumeTrue(missing.orElse(""), missing.isEmpty());
        if (worker == null) {
            Installation installation = Installation.unpack("mixed-fleet");
            work = installation.root().getParent();
            worker = NodeProcess.start(installation, WORKER, work.resolve("worker"), "--broker", "127.0.0.1:" + brokerPort());
            runner = WactorzRunner.start(work.resolve("wactorz"), "127.0.0.1", brokerPort(), RUNNER);
            closeWhenTheContainerEnds(runner, worker);
        }
        await("the worker and the Wactorz runner online", LIMIT, () -> online(WORKER) && online(RUNNER));
    }

    private boolean online(String node) {
        return registry.node(node).map(d -> d.info().online()).orElse(false);
    }

    private <T> T get(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(LIMIT.toSeconds(), TimeUnit.SECONDS);
    }

    /** Spawns a Wactorz agent from Python source on {@code node}, as the runner's documentation shows. */
    private void spawnOnRunner(String node, String name, String code) {
        link.publish("nodes/" + node + "/spawn", Map.of("name", name, "type", "dynamic", "code", code), false);
        await("Wactorz agent " + name + " known to be on " + node, LIMIT,
                () -> registry.nodeOf(name).filter(node::equals).isPresent());
    }

    @Test
    public void theWactorzRunnerIsAMemberOfTheFleetShownAsWactorz() {
        NodeInfo wnode = registry.node(RUNNER).orElseThrow().info();
        assertEquals(NodeInfo.WACTORZ, wnode.runner());
        assertEquals(NodeInfo.FLOTILLA, registry.node(WORKER).orElseThrow().info().runner());

        String list = executeCommand("node:list");
        assertTrue(list, list.matches("(?s).*" + RUNNER + "\\s*\\|\\s*online\\s*\\|.*\\|\\s*wactorz\\s*(\\R.*)?"));
        String info = executeCommand("node:info " + RUNNER);
        assertTrue(info, info.matches("(?s).*Runner:\\s+wactorz \\(takes spawns and tasks; no migration handoff.*"));
    }

    @Test
    public void anAskFromFlotillaToAWactorzAgentGetsItsReply() throws Exception {
        spawnOnRunner(RUNNER, "wecho", "async def handle_task(agent, payload):\n    return {\"echo\": payload, \"by\": agent.node}\n");

        Object reply = get(agents.ask("wecho", Map.of("x", 1), LIMIT)).value();
        assertEquals(Map.of("echo", Map.of("x", 1), "by", RUNNER), reply);
        String byShell = executeCommand("agent:send wecho '\"from the shell\"'");
        assertTrue(byShell, byShell.contains("\"echo\"") && byShell.contains("from the shell"));
    }

    @Test
    public void aWactorzAgentsSendToAFlotillaAgentGetsTheReplyItExpects() throws Exception {
        get(fleet.spawn(SpawnConfig.fromMap(Map.of("name", "far-echo", "type", "echo", "node", WORKER)), LIMIT));
        List<Map<String, Object>> seen = new CopyOnWriteArrayList<>();
        Subscription watch = link.subscribe("test/wactorz/send_to", (topic, payload, retained) -> {
            try {
                seen.add(JSON.readValue(payload, new TypeReference<Map<String, Object>>() { }));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        try {
            spawnOnRunner(RUNNER, "wasker", "async def setup(agent):\n"
                    + "    reply = await agent.send_to(\"far-echo\", {\"q\": 7}, timeout=20)\n"
                    + "    await agent.publish(\"test/wactorz/send_to\", {\"reply\": reply})\n");

            await("the Wactorz agent's reply", LIMIT, () -> !seen.isEmpty());
            // The handler's object as it is, as a Wactorz agent reads a Wactorz agent's reply
            assertEquals(Map.of("reply", Map.of("q", 7)), seen.get(0));
        } finally {
            watch.close();
        }
    }

    @Test
    public void aMoveToAWactorzRunnerIsRefusedAtOnceWithWhy() throws Exception {
        spawn(Map.of("name", "homebody", "type", "counter", "poll_interval", 1));
        awaitState("homebody", AgentState.RUNNING);

        long started = System.nanoTime();
        MigrationResult result = get(migrations.migrate("homebody", RUNNER, LIMIT));
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

        assertFalse(result.success());
        assertTrue(result.error(), result.error().contains("is a wactorz runner, which does not speak Flotilla's migration handoff"));
        assertTrue("refused, not timed out: " + millis + " ms", millis < 5000);
        assertEquals(AgentState.RUNNING, stateOf("homebody"));
        String shell = commandFails("agent:migrate homebody " + RUNNER).getMessage();
        assertTrue(shell, shell.contains("migration handoff"));
    }

    @Test
    public void aWactorzRunnerThatStopsGoesOfflineWithoutAWill() throws Exception {
        WactorzRunner passing = WactorzRunner.start(work.resolve("wactorz-passing"), "127.0.0.1", brokerPort(), "wpassing");
        try {
            await("wpassing online", LIMIT, () -> online("wpassing"));
        } finally {
            passing.close();
        }
        // No retained status and no Will: its last heartbeat, if it got out, or two missed ones tell.
        await("wpassing offline", Duration.ofSeconds(40), () -> !online("wpassing"));
        String reason = registry.node("wpassing").orElseThrow().statusReason();
        assertTrue(reason, reason.equals("stopped (its last heartbeat)") || reason.equals("missed 2 heartbeats"));
    }
}
