package io.flotilla.core.internal.command;

import static io.flotilla.core.testing.Sandbox.agent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.flotilla.api.AgentState;
import io.flotilla.core.internal.declare.Declarations;
import io.flotilla.core.internal.signing.SignaturePolicy;
import io.flotilla.core.testing.Sandbox;
import io.flotilla.runtime.CommandEnvelope;
import io.flotilla.runtime.CommandOrigin;
import io.flotilla.runtime.CommandResult;
import io.flotilla.runtime.InvalidSpawnConfigException;
import io.flotilla.util.Json;

/** Commands pass the gate before they reach the agents, whatever channel they came through. */
class CommandGateTest {

    private final Sandbox sandbox = Sandbox.create();
    private final Json json = new Json();
    private final CommandGate gate = new CommandGate(Sandbox.NODE,
            new SecurityPolicy(1024, 2048, List.of("mvn:"), List.of(), 1024 * 1024), json);
    private final CommandIntake intake = new CommandIntake(gate, sandbox.system(),
            new Declarations(sandbox.system(), sandbox.directory().resolve("declarations.json"), json), () -> { },
            Runnable::run);

    @AfterEach
    void close() {
        sandbox.close();
    }

    private CommandResult submit(String kind, String document) {
        CompletableFuture<CommandResult> result = new CompletableFuture<>();
        intake.submit(kind, document.getBytes(), CommandOrigin.mqtt("nodes/" + Sandbox.NODE + "/" + kind, null, false),
                result::complete);
        sandbox.time().runReady();
        return result.join();
    }

    @Test
    void aReplyNeverGoesToAnotherNodesCommandsAndTheRefusalKeepsTheRequestId() {
        CommandResult refused = submit("ping", "{\"request_id\": \"r1\", \"reply_to\": \"nodes/beta/stop_all\"}");

        assertFalse(refused.success());
        assertEquals("reply_to", refused.fields().get("field"));
        assertEquals("r1", refused.envelope().requestId(), "the refusal still names the request");
        assertEquals(null, refused.envelope().replyTo(), "and never goes to the refused topic");
    }

    @Test
    void aRequestIdIsTextOrAWholeNumber() {
        assertEquals("42", submit("ping", "{\"request_id\": 42}").envelope().requestId());
        CommandResult refused = submit("ping", "{\"request_id\": {\"a\": 1}}");
        assertFalse(refused.success());
        assertEquals("request_id", refused.fields().get("field"));
    }

    @Test
    void aStopAllNeedsItsConfirmationAndNeverComesRetained() {
        sandbox.addType("echo", sandbox.script());
        sandbox.spawn(agent("e", "echo"));
        CompletableFuture<CommandResult> retained = new CompletableFuture<>();
        intake.submit("stop_all", "{\"confirm\": true}".getBytes(),
                CommandOrigin.mqtt("nodes/" + Sandbox.NODE + "/stop_all", null, true), retained::complete);
        sandbox.time().runReady();

        assertEquals("confirm", submit("stop_all", "{}").fields().get("field"));
        assertFalse(retained.join().success());
        assertTrue(retained.join().error().contains("retained"));
        assertEquals(AgentState.RUNNING, sandbox.state("e"), "nothing was stopped");
    }

    @Test
    void aSpawnForAnotherNodeIsRefusedHere() {
        CommandResult refused = submit("spawn", "{\"name\": \"e\", \"type\": \"echo\", \"node\": \"elsewhere\"}");

        assertFalse(refused.success());
        assertEquals("node", refused.fields().get("field"));
        assertTrue(sandbox.system().list().isEmpty());
    }

    @Test
    void theSameRefusalReachesTheJavaApi() {
        Map<String, Object> document = agent("e", "echo", "node", "elsewhere");
        InvalidSpawnConfigException e = assertThrows(InvalidSpawnConfigException.class, () -> gate.spawnConfig(document));
        assertEquals("node", e.field());
    }

    @Test
    void eachKindHasItsDocumentLimitAndTheEnvelopeComesBack() {
        String padded = "{\"request_id\": \"r1\", \"reply_to\": \"me/results\", \"pad\": \"" + "x".repeat(1500) + "\"}";

        CommandResult spawn = submit("spawn", padded);
        CommandResult ping = submit("ping", padded);

        assertFalse(spawn.success(), "a spawn document may be 1024 bytes here");
        assertTrue(spawn.error().contains("over the limit of 1024 bytes"), spawn.error());
        assertTrue(ping.success(), "other commands may be 2048");
        assertEquals("r1", ping.envelope().requestId());
        assertEquals("me/results", ping.envelope().replyTo());
    }

    @Test
    void aRequestIdRunsOnceAndItsRepeatGetsNoSecondResult() {
        sandbox.addType("echo", sandbox.script());
        String spawn = "{\"name\": \"once\", \"type\": \"echo\", \"poll_interval\": 0, \"request_id\": \"same\"}";

        CommandResult first = submit("spawn", spawn);
        CommandResult again = submit("spawn", spawn);

        assertTrue(first.success());
        assertEquals(CommandEnvelope.Handling.RAN, first.envelope().handling());
        assertEquals(CommandEnvelope.Handling.REPEAT, again.envelope().handling());
    }

    @Test
    void aSpawnThatRequiresWhatTheNodeLacksIsRefusedWhoeverPlacedIt() {
        CommandGate camera = new CommandGate(Sandbox.NODE, List.of("camera", "arch=amd64"),
                new SecurityPolicy(1024, 2048, List.of("mvn:"), List.of(), 1024 * 1024), json,
                io.flotilla.core.internal.signing.SignaturePolicy.open(), ApprovalPolicy.none());

        camera.spawnConfig(Map.of("name", "eye", "type", "echo", "requires", List.of("camera")));
        InvalidSpawnConfigException refused = assertThrows(InvalidSpawnConfigException.class, () -> camera.spawnConfig(
                Map.of("name", "brain", "type", "echo", "requires", List.of("camera", "gpu"))));
        assertEquals("requires", refused.field());
        assertTrue(refused.getMessage().contains("lacks gpu (it has arch=amd64, camera)"), refused.getMessage());
    }

    @Test
    void aNodeWithoutDynamicLanguagesRefusesSourceCodeNamingTheSettingAndRunsNothing() {
        CommandGate closed = new CommandGate(Sandbox.NODE, List.of(), new SecurityPolicy(64 * 1024, 2048, List.of("mvn:"),
                List.of(), 1024 * 1024, Set.of("java")), json, SignaturePolicy.open(),
                ApprovalPolicy.none());
        CommandIntake closedIntake = new CommandIntake(closed, sandbox.system(),
                new Declarations(sandbox.system(), sandbox.directory().resolve("declarations.json"), json), () -> { },
                Runnable::run);
        CompletableFuture<CommandResult> result = new CompletableFuture<>();

        closedIntake.submit("spawn", "{\"name\": \"py\", \"type\": \"dynamic\", \"code\": \"pass\"}".getBytes(),
                CommandOrigin.mqtt("nodes/" + Sandbox.NODE + "/spawn", null, false), result::complete);
        sandbox.time().runReady();

        assertFalse(result.join().success());
        assertEquals("language", result.join().fields().get("field"));
        assertTrue(result.join().error().contains("dynamic.languages of io.flotilla.security: java"), result.join().error());
        assertTrue(sandbox.system().list().isEmpty(), "no agent was made");
    }
}
