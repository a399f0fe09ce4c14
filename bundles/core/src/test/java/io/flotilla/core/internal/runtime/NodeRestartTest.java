package io.flotilla.core.internal.runtime;

import static io.flotilla.core.testing.Sandbox.agent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.flotilla.api.AgentState;
import io.flotilla.api.Severity;
import io.flotilla.core.testing.Sandbox;
import io.flotilla.core.testing.ScriptedAgent.Script;
import io.flotilla.runtime.AgentEvent;

/** What a node finds when it starts again over the data of its previous life. */
class NodeRestartTest {

    @TempDir
    Path data;


    @Test
    void agentsAndTheirStateComeBackAfterARestart() {
        String actorId;
        try (Sandbox before = Sandbox.over(data)) {
            before.addType("counter", before.counting());
            before.spawn(agent("c", "counter", "poll_interval", 1));
            before.advanceSeconds(4);
            actorId = before.agent("c").actorId();
            assertEquals(5L, ((Number) before.system().info("c").orElseThrow().persisted().get("count")).longValue());
        }

        try (Sandbox after = Sandbox.over(data)) {
            assertEquals(AgentState.STARTING, after.state("c"), "restored, waiting for its type");
            Script script = after.counting();
            after.addType("counter", script);
            assertEquals(AgentState.RUNNING, after.state("c"));
            assertEquals(actorId, after.agent("c").actorId(), "same actor id");
            after.advanceSeconds(2);
            assertEquals(8L, ((Number) after.system().info("c").orElseThrow().persisted().get("count")).longValue(),
                    "counting on from 5");
        }
    }

    @Test
    void aStoppedAgentStaysStoppedAfterARestart() {
        try (Sandbox before = Sandbox.over(data)) {
            before.addType("echo", before.script());
            before.spawn(agent("e", "echo"));
            before.stop("e");
        }
        try (Sandbox after = Sandbox.over(data)) {
            Script echo = after.script();
            after.addType("echo", echo);
            assertEquals(AgentState.STOPPED, after.state("e"));
            assertEquals(0, echo.setups.get());
        }
    }

    @Test
    void anAgentThatMovedAwayIsNotRestoredAndItsNewNodeIsRemembered() throws IOException {
        try (Sandbox before = Sandbox.over(data)) {
            before.addType("echo", before.script());
            before.spawn(agent("traveller", "echo"));
            before.system().pause("traveller");
            before.time().runReady();
            before.system().release("traveller", "elsewhere");
            before.time().runReady();
        }
        try (Sandbox after = Sandbox.over(data)) {
            Script echo = after.script();
            after.addType("echo", echo);
            assertTrue(after.system().find("traveller").isEmpty());
            assertEquals(0, echo.setups.get());
            assertEquals(Optional.of("elsewhere"), after.system().departedTo("traveller"));
        }
        try (Stream<Path> files = Files.list(data.resolve("agents"))) {
            assertEquals(List.of("traveller.json"), files.map(f -> f.getFileName().toString()).toList(),
                    "its departure is read as one, not moved aside as a corrupt record");
        }
    }

    @Test
    void aRestoredAgentWhoseTypeNeverAppearsFailsAfterTheBootWait() {
        try (Sandbox before = Sandbox.over(data)) {
            before.addType("echo", before.script());
            before.spawn(agent("e", "echo"));
        }
        try (Sandbox after = Sandbox.over(data)) {
            after.advanceSeconds(59);
            assertEquals(AgentState.STARTING, after.state("e"));
            after.advanceSeconds(1);
            assertEquals(AgentState.FAILED, after.state("e"));
            assertTrue(after.errors("e").get(0).message().contains("did not appear within 60.0 s"));
        }
    }

    @Test
    void removingWithDeleteForgetsTheAgentAndItsState() {
        try (Sandbox sandbox = Sandbox.over(data)) {
            sandbox.addType("counter", sandbox.counting());
            sandbox.spawn(agent("c", "counter"));
            assertTrue(Files.exists(data.resolve("state/c.json")));

            sandbox.remove("c", true);

            assertFalse(Files.exists(data.resolve("state/c.json")));
            assertFalse(Files.exists(data.resolve("agents/c.json")));
            assertTrue(sandbox.system().list().isEmpty());
            List<AgentEvent> events = sandbox.events("c");
            assertEquals(AgentEvent.Kind.REMOVED, events.get(events.size() - 1).kind(), "the last thing listeners hear");
            assertEquals(1, events.stream().filter(e -> e.kind() == AgentEvent.Kind.REMOVED).count());
        }
    }

    @Test
    void aCorruptStateFileIsMovedAsideAndReported() throws IOException {
        Files.createDirectories(data.resolve("state"));
        Files.writeString(data.resolve("state/c.json"), "{\"count\": 4");
        try (Sandbox sandbox = Sandbox.over(data)) {
            sandbox.addType("counter", sandbox.counting());
            sandbox.spawn(agent("c", "counter", "poll_interval", 0));

            assertEquals(AgentState.RUNNING, sandbox.state("c"), "it starts with empty state");
            AgentEvent report = sandbox.errors("c").get(0);
            assertEquals("state", report.phase());
            assertEquals(Severity.ERROR, report.severity());
            assertTrue(report.message().contains("moved it to c.json.corrupt-"), report.message());
            try (Stream<Path> files = Files.list(data.resolve("state"))) {
                List<Path> aside = files.filter(p -> p.getFileName().toString().startsWith("c.json.corrupt-")).toList();
                assertEquals(1, aside.size());
                assertEquals("{\"count\": 4", Files.readString(aside.get(0)), "kept, byte for byte");
            }
        }
    }

    @Test
    void aCorruptAgentRecordIsMovedAsideAndTheOthersLoad() throws IOException {
        try (Sandbox before = Sandbox.over(data)) {
            before.addType("echo", before.script());
            before.spawn(agent("good", "echo"));
        }
        Files.writeString(data.resolve("agents/bad.json"), "not json");

        try (Sandbox after = Sandbox.over(data)) {
            after.addType("echo", after.script());
            assertEquals(List.of("good"), after.system().list().stream().map(a -> a.name()).toList());
            try (Stream<Path> files = Files.list(data.resolve("agents"))) {
                assertTrue(files.anyMatch(p -> p.getFileName().toString().startsWith("bad.json.corrupt-")));
            }
        }
    }

    @Test
    void stateWritesLeaveNoTemporaryFilesBehind() throws IOException {
        try (Sandbox sandbox = Sandbox.over(data)) {
            sandbox.addType("counter", sandbox.counting());
            sandbox.spawn(agent("c", "counter", "poll_interval", 0.1));
            sandbox.advanceSeconds(2);
        }
        try (Stream<Path> files = Files.list(data.resolve("state"))) {
            assertEquals(List.of("c.json"), files.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void anAgentThatFailedForGoodStaysFailedWithItsErrorWhenTheNodeRestarts() {
        try (Sandbox before = Sandbox.over(data)) {
            before.spawn(agent("ghost", "no-such-type"));
            assertEquals(AgentState.FAILED, before.state("ghost"));
        }
        try (Sandbox after = Sandbox.over(data)) {
            after.addType("no-such-type", after.script());
            after.advanceSeconds(600);

            assertEquals(AgentState.FAILED, after.state("ghost"), "not started again, its type notwithstanding");
            String error = after.system().info("ghost").orElseThrow().lastError();
            assertTrue(error.contains("no installed bundle provides agent type 'no-such-type'"), error);
            after.system().restart("ghost");
            after.time().runReady();
            assertEquals(AgentState.RUNNING, after.state("ghost"), "an operator's restart brings it back");
        }
    }
}
