package io.flotilla.core.internal.command;

import static io.flotilla.core.testing.Sandbox.agent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.flotilla.core.internal.declare.Declarations;
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
}
