package io.flotilla.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

import io.flotilla.api.AgentState;

/** The agent:* commands in a real node, as an operator types them. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ShellIT extends FlotillaTestSupport {

    @Test
    public void theFlotillaFeaturesAreInstalledAndTheExampleTypesAvailable() {
        String features = executeCommand("feature:list -i");
        assertTrue(features, features.contains("flotilla "));
        assertTrue(features, features.contains("flotilla-examples"));
        assertTrue(features, features.contains("flotilla-core"));
        await("the example types", () -> agents.types().containsAll(
                java.util.Set.of("echo", "counter", "temperature-sensor", "crasher")));
    }

    @Test
    public void spawnInfoSendAndStopThroughTheShell() {
        String spawned = executeCommand("agent:spawn --type counter --name shell-counter --set step=2 --field poll_interval=0.2");
        assertTrue(spawned, spawned.contains("Spawned shell-counter (counter): running"));

        await("the count to pass 4", () -> count("shell-counter") > 4);
        String info = executeCommand("agent:info shell-counter");
        assertTrue(info, info.contains("State:      running"));
        assertTrue(info, info.contains("Restarts:   0 of 5"));
        assertTrue(info, info.contains("\"step\" : 2"));
        assertTrue(info, info.contains("\"count\" :"));
        assertTrue(info, info.contains("Uptime:"));

        String added = executeCommand("agent:send shell-counter '{\"add\": 1000}'").trim();
        assertTrue(added, Long.parseLong(added) > 1000);

        String list = executeCommand("agent:list");
        assertTrue(list, list.matches("(?s).*shell-counter\\s*\\|\\s*counter\\s*\\|\\s*running.*"));

        String stopped = executeCommand("agent:stop shell-counter");
        assertTrue(stopped, stopped.contains("Stopped shell-counter"));
        assertEquals(AgentState.STOPPED, stateOf("shell-counter"));
        long countAtStop = count("shell-counter");
        spawn(Map.of("name", "pacer", "type", "counter", "poll_interval", 0.1));
        await("the pacer to count 10 polls", () -> agents.info("pacer").map(d -> d.persisted().get("count"))
                .map(c -> ((Number) c).longValue() >= 10).orElse(false));
        assertEquals("no process() while stopped, even as other agents run", countAtStop, count("shell-counter"));
        agents.remove("pacer", true);

        executeCommand("agent:restart shell-counter");
        awaitState("shell-counter", AgentState.RUNNING);
        await("counting on from " + countAtStop, () -> count("shell-counter") > countAtStop);

        executeCommand("agent:stop --delete shell-counter");
        assertFalse(agents.find("shell-counter").isPresent());
        assertFalse(Files.exists(dataFolder().resolve("state/shell-counter.json")));
    }

    @Test
    public void aSpawnFileIsReadLikeAnyOtherSpawnConfig() throws Exception {
        Path file = Files.createTempFile("echo", ".agent.json");
        Files.writeString(file, "{\"name\": \"file-echo\", \"type\": \"echo\", \"poll_interval\": 0}");

        String spawned = executeCommand("agent:spawn " + file);

        assertTrue(spawned, spawned.contains("Spawned file-echo (echo): running"));
        assertEquals("\"hello\"", executeCommand("agent:send file-echo hello").trim());
        String again = executeCommand("agent:spawn " + file);
        assertTrue("a second spawn of a running name changes nothing: " + again, again.contains("already running"));
        executeCommand("agent:stop --delete file-echo");
    }

    @Test
    public void invalidInputIsRefusedWithTheFieldAndNothingRunningIsDisturbed() {
        spawn(Map.of("name", "bystander", "type", "echo", "poll_interval", 0));
        awaitState("bystander", AgentState.RUNNING);

        CommandFailed badName = commandFails("agent:spawn --type echo --name ../escape");
        assertTrue(badName.getMessage(), badName.getMessage().contains("'name' must be 1 to 64"));

        CommandFailed negative = commandFails("agent:spawn --type echo --name e2 --field poll_interval=-5");
        assertTrue(negative.getMessage(), negative.getMessage().contains("'poll_interval' must be zero or more, got -5"));

        CommandFailed restart = commandFails("agent:spawn --type echo --name e3 --field restart=sometimes");
        assertTrue(restart.getMessage(), restart.getMessage().contains("'restart' must be one of permanent, transient, temporary"));

        CommandFailed wrongType = commandFails("agent:spawn --type echo --name e4 --field max_restarts='\"five\"'");
        assertTrue(wrongType.getMessage(), wrongType.getMessage().contains("'max_restarts' must be a whole number"));

        CommandFailed unknownType = commandFails("agent:spawn --type no-such-type --name ghost");
        assertTrue(unknownType.getMessage(), unknownType.getMessage().contains("no installed bundle provides agent type 'no-such-type'"));

        assertFalse(agents.find("e2").isPresent());
        assertEquals(AgentState.RUNNING, stateOf("bystander"));
        assertEquals("\"still here\"", executeCommand("agent:send bystander '\"still here\"'").trim());
    }

    @Test
    public void whatANewOperatorGetsWrongIsAnsweredInPlainWords() {
        CommandFailed missing = commandFails("agent:spawn /nonexistent.json");
        assertTrue(missing.getMessage(), missing.getMessage().endsWith("no spawn config file /nonexistent.json: it does not exist"));

        CommandFailed nowhere = commandFails("node:ping --timeout 0.3 nowhere");
        // which nodes it knows depends on whether this node has heard its own status yet
        assertTrue(nowhere.getMessage(), nowhere.getMessage().contains("no pong from nowhere: no node named nowhere in the fleet"
                + " (known: "));
        assertFalse(nowhere.getMessage(), nowhere.getMessage().contains("Exception"));

        spawn(Map.of("name", "spent", "type", "crasher", "poll_interval", 0.01, "restart_delay", 0.01, "max_restarts", 1,
                "config", Map.of("fail_every", true)));
        awaitState("spent", AgentState.FAILED);
        String info = executeCommand("agent:info spent");
        assertTrue(info, info.contains("1 of 1, and a crash more: the budget is spent"));
        String logs = executeCommand("agent:logs -n 50 spent");
        assertTrue(logs, logs.contains("warning [supervisor] Agent crashed, restarting in "));
        assertFalse(logs, logs.contains("warning warning"));
        String help = executeCommand("agent:spawn --help");
        assertTrue(help, help.contains("agent:spawn examples/temperature-sensor.agent.json"));
        executeCommand("agent:stop --delete spent");
    }

    @Test
    public void logsShowTheAgentsOwnLinesAndItsSupervisor() {
        spawn(Map.of("name", "logger", "type", "temperature-sensor", "poll_interval", 0.1));
        await("a reading in the log", () -> agents.logs("logger", 10).stream().anyMatch(l -> l.message().startsWith("Temperature:")));

        String logs = executeCommand("agent:logs -n 20 logger");

        assertTrue(logs, logs.contains("state running"));
        assertTrue(logs, logs.contains("Temperature: "));
        executeCommand("agent:stop --delete logger");
    }

    private long count(String agent) {
        Object count = agents.info(agent).orElseThrow().persisted().get("count");
        return count == null ? 0 : ((Number) count).longValue();
    }
}
