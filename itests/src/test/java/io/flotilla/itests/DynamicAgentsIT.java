package io.flotilla.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.inject.Inject;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceRegistration;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.flotilla.api.AgentState;
import io.flotilla.api.Severity;
import io.flotilla.api.Subscription;
import io.flotilla.itests.process.Installation;
import io.flotilla.itests.process.NodeProcess;
import io.flotilla.runtime.AgentEvent;
import io.flotilla.runtime.AgentEventListener;
import io.flotilla.runtime.CommandResult;
import io.flotilla.runtime.FleetControl;
import io.flotilla.runtime.FleetRegistry;
import io.flotilla.runtime.MigrationResult;
import io.flotilla.runtime.Migrations;
import io.flotilla.runtime.SpawnConfig;
import io.flotilla.spi.fleet.FleetLink;

/**
 * Agents from source on real nodes: this node (hosting the broker), a worker process that compiles
 * Java with Eclipse's compiler, and a node whose {@code dynamic.languages} is empty. The Wactorz runner's documented example and its seven
 * supervisor cases run in Python and in Java; Python asks reach a bundle agent on the worker; state
 * survives a node restart and a migration for both languages.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class DynamicAgentsIT extends FlotillaTestSupport {

    private static final Duration LIMIT = Duration.ofSeconds(30);
    private static final String WORKER = "source-worker";
    private static final String CLOSED = "source-closed";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static NodeProcess worker;
    private static NodeProcess closed;
    private static Installation installation;

    private final List<AgentEvent> events = new CopyOnWriteArrayList<>();
    private ServiceRegistration<AgentEventListener> listener;

    @Inject
    private FleetRegistry registry;

    @Inject
    private FleetControl fleet;

    @Inject
    private Migrations migrations;

    @Inject
    private FleetLink link;

    @Override
    protected Option[] extraOptions() {
        return new Option[] {
            systemProperty("flotilla.reference").value(Path.of(System.getProperty("flotilla.peers", "../../shared/peers"))
                    .resolveSibling("reference").toAbsolutePath().toString()),
        };
    }

    @Before
    public void startTheNodes() throws Exception {
        listener = bundleContext.registerService(AgentEventListener.class, events::add, null);
        if (worker == null) {
            installation = Installation.unpack("dynamic-agents");
            Path work = installation.root().getParent();
            NodeProcess.configure(installation, work.resolve("closed"), "io.flotilla.security.cfg", "dynamic.languages", "");
            // The worker compiles with Eclipse's compiler, the one of nodes on a JRE, through its bundle
            NodeProcess.configure(installation, work.resolve("worker"), "io.flotilla.dynamic.cfg", "java.compiler", "eclipse");
            worker = NodeProcess.start(installation, WORKER, work.resolve("worker"), "--broker", "127.0.0.1:" + brokerPort());
            closed = NodeProcess.start(installation, CLOSED, work.resolve("closed"), "--broker", "127.0.0.1:" + brokerPort());
            closeWhenTheContainerEnds(closed, worker);
        }
        await("the worker and the closed node online", LIMIT, () -> online(WORKER) && online(CLOSED));
    }

    @After
    public void stopListening() {
        listener.unregister();
    }

    private boolean online(String node) {
        return registry.node(node).map(d -> d.info().online()).orElse(false);
    }

    private <T> T get(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(LIMIT.toSeconds(), TimeUnit.SECONDS);
    }

    private List<AgentEvent> eventsOf(String agent, AgentEvent.Kind kind) {
        return events.stream().filter(e -> e.agent().equals(agent) && e.kind() == kind).toList();
    }

    /**
     * The agent's first event of {@code kind}, once the test's listener has it: awaitState reads the
     * agent's state from the node, and the event that goes with it may reach the listener a moment later.
     */
    private AgentEvent firstEvent(String agent, AgentEvent.Kind kind) {
        await("a " + kind + " event of " + agent, LIMIT, () -> !eventsOf(agent, kind).isEmpty());
        return eventsOf(agent, kind).get(0);
    }

    private static Map<String, Object> source(String name, String language, String code, Object... fields) {
        Map<String, Object> document = new java.util.LinkedHashMap<>(Map.of("name", name, "type", "dynamic",
                "language", language, "code", code));
        for (int i = 0; i < fields.length; i += 2) {
            document.put((String) fields[i], fields[i + 1]);
        }
        return document;
    }

    private Object ask(String agent, Object payload) throws Exception {
        return get(agents.ask(agent, payload, LIMIT)).value();
    }

    @Test
    public void theUpstreamTemperatureSensorExampleRunsUnchangedAndPublishesReadings() throws Exception {
        String documented = Files.readString(Path.of(System.getProperty("flotilla.reference"), "wactorz-remote-nodes.txt"));
        Matcher code = Pattern.compile("(?s)\"code\": \"(\\n    async def setup.*?)\"\\n}").matcher(documented);
        assertTrue("the example is in the documentation", code.find());
        List<Map<?, ?>> readings = new CopyOnWriteArrayList<>();
        Subscription watch = link.subscribe("sensors/temperature", (topic, payload, retained) -> {
            try {
                readings.add(JSON.readValue(payload, Map.class));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        try {
            // The documented document, minus its hardware "install", sent as the Wactorz main machine sends it
            link.publish("nodes/itest-node/spawn", Map.of("name", "temp-sensor-agent", "node", "itest-node", "type", "dynamic",
                    "description", "Reads temperature from DHT22 sensor", "poll_interval", 0.2, "max_restarts", 5,
                    "restart_delay", 3.0, "code", code.group(1)), false);

            await("two readings", LIMIT, () -> readings.size() >= 2);
            assertEquals("C", readings.get(0).get("unit"));
            assertEquals("itest-node", readings.get(0).get("node"));
            double value = ((Number) readings.get(0).get("value")).doubleValue();
            assertTrue(value + " within 20 +- 2", value >= 18 && value <= 22);
            assertTrue(eventsOf("temp-sensor-agent", AgentEvent.Kind.LOG).stream()
                    .anyMatch(e -> e.message().equals("DHT22 sensor agent ready")));
        } finally {
            watch.close();
            agents.remove("temp-sensor-agent", true);
        }
    }

    /** The runner's seven supervisor cases, in one language: {@code code} gives each case's source. */
    private void theSevenSupervisorCases(String language, Map<String, String> code) {
        String prefix = language + "-";
        Object[] quick = {"poll_interval", 0.05, "restart_delay", 0.05};
        spawn(source(prefix + "stable", language, code.get("stable"), quick));
        spawn(source(prefix + "crash", language, code.get("crash"), "poll_interval", 0.05, "restart_delay", 0.05,
                "max_restarts", 5));
        spawn(source(prefix + "budget", language, code.get("crash"), "poll_interval", 0.05, "restart_delay", 0.05,
                "max_restarts", 1));
        spawn(source(prefix + "stopped", language, code.get("stable"), quick));
        spawn(source(prefix + "credit", language, code.get("credit"), quick));
        spawn(source(prefix + "compile", language, code.get("compile"), quick));
        spawn(source(prefix + "setup", language, code.get("setup"), quick));

        // Crash and restart: a run that fails five times in a row is restarted
        await(language + " crash restarted", LIMIT, () -> eventsOf(prefix + "crash", AgentEvent.Kind.STATE_CHANGED).stream()
                .anyMatch(e -> e.state() == AgentState.RESTARTING));
        // Budget exhaustion
        awaitState(prefix + "budget", AgentState.FAILED);
        assertTrue(agents.info(prefix + "budget").orElseThrow().lastError(),
                agents.info(prefix + "budget").orElseThrow().lastError().contains("restart budget exhausted (max_restarts 1)"));
        // Deliberate stop: never restarted
        awaitState(prefix + "stopped", AgentState.RUNNING);
        agents.stop(prefix + "stopped");
        // Health credit: five failures, a restart, then ten good calls give the restart back
        await(language + " restart credited back", LIMIT, () -> eventsOf(prefix + "credit", AgentEvent.Kind.LOG).stream()
                .anyMatch(e -> e.message().contains("one restart credited back")));
        // Compile error: fatal at once, with where
        awaitState(prefix + "compile", AgentState.FAILED);
        AgentEvent compile = firstEvent(prefix + "compile", AgentEvent.Kind.ERROR);
        assertEquals("compile", compile.phase());
        assertEquals(Severity.FATAL, compile.severity());
        assertTrue(compile.message(), compile.message().matches("compile error: line \\d+, column \\d+: .+"));
        String info = executeCommand("agent:info " + prefix + "compile");
        assertTrue(info, info.contains("compile error: line "));
        // Setup failure: fatal, never retried
        awaitState(prefix + "setup", AgentState.FAILED);
        assertEquals("setup", firstEvent(prefix + "setup", AgentEvent.Kind.ERROR).phase());

        // Stable: running all along, not once restarted, and the stopped one stayed stopped
        assertEquals(AgentState.RUNNING, stateOf(prefix + "stable"));
        assertEquals(0, agents.info(prefix + "stable").orElseThrow().info().restartCount());
        assertEquals(AgentState.STOPPED, stateOf(prefix + "stopped"));
        for (String failedAtOnce : List.of("compile", "setup")) {
            assertEquals(failedAtOnce + " was never restarted", List.of(AgentState.STARTING, AgentState.FAILED),
                    eventsOf(prefix + failedAtOnce, AgentEvent.Kind.STATE_CHANGED).stream().map(AgentEvent::state).toList());
        }
        for (String name : List.of("stable", "crash", "budget", "stopped", "credit", "compile", "setup")) {
            agents.remove(prefix + name, true);
        }
    }

    @Test
    public void theRunnersSevenSupervisorCasesPassWithPythonAgents() {
        theSevenSupervisorCases("python", Map.of(
                "stable", "async def process(agent):\n    pass\n",
                "crash", "async def process(agent):\n    raise RuntimeError('boom')\n",
                "credit", "async def process(agent):\n    n = (agent.recall('n') or 0) + 1\n    agent.persist('n', n)\n"
                        + "    if n <= 5:\n        raise RuntimeError(f'warming up {n}')\n",
                "compile", "async def process(agent)\n    pass\n",
                "setup", "async def setup(agent):\n    raise RuntimeError('bad')\n"));
    }

    @Test
    public void theRunnersSevenSupervisorCasesPassWithJavaAgents() {
        theSevenSupervisorCases("java", Map.of(
                "stable", "public void process(AgentContext ctx) { }",
                "crash", "public void process(AgentContext ctx) { throw new IllegalStateException(\"boom\"); }",
                "credit", "public void process(AgentContext ctx) {\n"
                        + "    long n = ctx.recall(\"n\", Long.class).orElse(0L) + 1;\n    ctx.persist(\"n\", n);\n"
                        + "    if (n <= 5) { throw new IllegalStateException(\"warming up \" + n); }\n}",
                "compile", "public void process(AgentContext ctx) {\n    int reading = \"not a number\";\n}",
                "setup", "public void setup(AgentContext ctx) { throw new IllegalStateException(\"bad\"); }"));
    }

    @Test
    public void aPythonAgentsSendToReachesABundleAgentOnAnotherNodeAndBack() throws Exception {
        assertTrue(get(fleet.spawn(SpawnConfig.fromMap(Map.of("name", "far-echo", "type", "echo", "node", WORKER)), LIMIT))
                .success());
        spawn(source("py-asker", "python", "async def handle_task(agent, payload):\n"
                + "    reply = await agent.send_to('far-echo', {'q': payload}, timeout=20)\n"
                + "    return {'far': reply, 'me': agent.node, 'known': [a['name'] for a in agent.agents()]}\n",
                "poll_interval", 0));
        awaitState("py-asker", AgentState.RUNNING);

        @SuppressWarnings("unchecked")
        Map<String, Object> reply = (Map<String, Object>) ask("py-asker", 7);

        assertEquals(Map.of("q", 7), reply.get("far"));
        assertEquals("itest-node", reply.get("me"));
        assertTrue(String.valueOf(reply.get("known")), ((List<?>) reply.get("known")).contains("py-asker"));
        agents.remove("py-asker", true);
        get(fleet.stop(WORKER, "far-echo", true, LIMIT));
    }

    private static final String PYTHON_COUNTER = "async def process(agent):\n"
            + "    agent.persist('count', (agent.recall('count') or 0) + 1)\n\n"
            + "async def handle_task(agent, payload):\n    return {'count': agent.recall('count'), 'node': agent.node}\n";
    private static final String JAVA_COUNTER = "public void process(AgentContext ctx) {\n"
            + "    ctx.persist(\"count\", ctx.recall(\"count\", Long.class).orElse(0L) + 1);\n}\n"
            + "public Object handle(Message m, AgentContext ctx) {\n"
            + "    return Map.of(\"count\", ctx.recall(\"count\", Long.class).orElse(0L), \"node\", ctx.node());\n}";

    private long countOf(String agent, String expectedNode) throws Exception {
        Map<?, ?> reply = (Map<?, ?>) ask(agent, "count?");
        assertEquals(expectedNode, reply.get("node"));
        return ((Number) reply.get("count")).longValue();
    }

    @Test
    public void stateSurvivesANodeRestartAndAMigrationForBothLanguages() throws Exception {
        for (Map<String, Object> document : List.of(source("py-counter", "python", PYTHON_COUNTER, "poll_interval", 0.1),
                source("java-counter", "java", JAVA_COUNTER, "poll_interval", 0.1))) {
            document.put("node", WORKER);
            CommandResult spawned = get(fleet.spawn(SpawnConfig.fromMap(document), LIMIT));
            assertTrue(spawned.error(), spawned.success());
        }
        for (String agent : List.of("py-counter", "java-counter")) {
            await(agent + " counting on the worker", LIMIT, () -> uncheckedCount(agent, WORKER) >= 5);
        }
        assertTrue("the worker's Java agent was compiled by ECJ", worker.console().contains(
                "Java agents from source compile with Eclipse's compiler (ECJ)"));
        long pythonBefore = countOf("py-counter", WORKER);
        long javaBefore = countOf("java-counter", WORKER);

        worker.stop();
        worker = NodeProcess.start(installation, WORKER, worker.home(), "--broker", "127.0.0.1:" + brokerPort());
        closeWhenTheContainerEnds(worker);
        await("the worker back online", LIMIT, () -> online(WORKER));
        await("both counting on from where they were after the restart", LIMIT,
                () -> uncheckedCount("py-counter", WORKER) > pythonBefore && uncheckedCount("java-counter", WORKER) > javaBefore);

        for (String agent : List.of("py-counter", "java-counter")) {
            long before = countOf(agent, WORKER);
            MigrationResult moved = get(migrations.migrate(agent, "itest-node", LIMIT));
            assertTrue(moved.error(), moved.success());
            long after = countOf(agent, "itest-node");
            assertTrue(agent + ": " + before + " before the move, " + after + " after", after >= before);
            agents.remove(agent, true);
        }
    }

    private long uncheckedCount(String agent, String node) {
        try {
            return countOf(agent, node);
        } catch (Exception | AssertionError e) {
            return -1;
        }
    }

    @Test
    public void newCodeWithReplaceSwapsTheAgentOntoItWithItsState() throws Exception {
        spawn(source("swap", "python", "async def setup(agent):\n    agent.persist('version_one_was_here', True)\n",
                "poll_interval", 0));
        awaitState("swap", AgentState.RUNNING);

        spawn(source("swap", "java", "public Object handle(Message m, AgentContext ctx) {\n"
                + "    return Map.of(\"v\", 2, \"kept\", ctx.recall(\"version_one_was_here\", Boolean.class).orElse(false));\n}",
                "replace", true, "poll_interval", 0));

        await("the new code answering", LIMIT, () -> {
            try {
                return Map.of("v", 2, "kept", true).equals(ask("swap", "which?"));
            } catch (Exception e) {
                return false;
            }
        });
        agents.remove("swap", true);
    }

    @Test
    public void aPackageThatCannotBeInstalledFailsThePythonAgentNamingIt() {
        // No package index has it, reachable or not: pip's refusal is the agent's setup failure
        spawn(source("needs-missing", "python", "async def process(agent):\n    pass\n",
                "install", List.of("flotilla-no-such-package-e2f8758c")));

        awaitState("needs-missing", AgentState.FAILED);
        AgentEvent fatal = firstEvent("needs-missing", AgentEvent.Kind.ERROR);
        assertEquals("setup", fatal.phase());
        assertTrue(fatal.message(), fatal.message().contains("could not install flotilla-no-such-package-e2f8758c"));
        agents.remove("needs-missing", true);
    }

    @Test
    public void aNodeWithoutDynamicLanguagesRefusesSourceAgentsSayingWhyAndRunsNothing() throws Exception {
        CommandResult refused = get(fleet.spawn(SpawnConfig.fromMap(Map.of("name", "sneaky", "type", "dynamic", "node", CLOSED,
                "code", "async def setup(agent):\n    open('/tmp/flotilla-sneaky', 'w').write('ran')\n")), LIMIT));

        assertFalse(refused.success());
        assertTrue(refused.error(), refused.error().contains("does not run python agents from source"));
        assertTrue(refused.error(), refused.error().contains("dynamic.languages of io.flotilla.security: none"));
        assertTrue(get(fleet.agents(CLOSED, LIMIT)).stream().noneMatch(a -> a.name().equals("sneaky")));
        assertFalse("no record of it", Files.exists(closed.data().resolve("agents").resolve("sneaky.json")));
        assertFalse("the code never ran", Files.exists(Path.of("/tmp/flotilla-sneaky")));

        // Nor does code come in by a move
        spawn(source("mover", "python", "async def process(agent):\n    pass\n"));
        awaitState("mover", AgentState.RUNNING);
        MigrationResult moved = get(migrations.migrate("mover", CLOSED, LIMIT));
        assertFalse(moved.success());
        assertTrue(moved.error(), moved.error().contains("does not run python agents from source"));
        // It runs on where it ran: the refused move resumes it, a signal its actor takes a moment later
        awaitState("mover", AgentState.RUNNING);
        assertTrue(get(fleet.agents(CLOSED, LIMIT)).stream().noneMatch(a -> a.name().equals("mover")));
        agents.remove("mover", true);
    }
}
