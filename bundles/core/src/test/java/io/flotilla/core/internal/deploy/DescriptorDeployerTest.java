package io.flotilla.core.internal.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.flotilla.core.internal.command.CommandGate;
import io.flotilla.core.internal.command.CommandIntake;
import io.flotilla.core.internal.command.SecurityPolicy;
import io.flotilla.core.internal.declare.Declarations;
import io.flotilla.core.internal.osgi.AgentRuntime;
import io.flotilla.core.internal.runtime.AgentSystem;
import io.flotilla.core.testing.Sandbox;
import io.flotilla.runtime.SpawnConfig;
import io.flotilla.spi.handoff.AgentSnapshot;
import io.flotilla.util.Json;

/** Descriptors in {@code deploy/} for agents that migrate away from the node and come back. */
class DescriptorDeployerTest {

    @TempDir
    Path deployFolder;

    private final Sandbox node = Sandbox.create();

    private record Runtime(AgentSystem system, Declarations declarations) implements AgentRuntime {
    }

    @AfterEach
    void close() {
        node.close();
    }

    /** A deployer as the node starts one: over the node's ledger of what it declared, with a real intake. */
    private DescriptorDeployer startDeployer() {
        Json json = new Json();
        Declarations declarations = new Declarations(node.system(), node.directory().resolve("declarations.json"), json);
        CommandGate gate = new CommandGate(Sandbox.NODE, new SecurityPolicy(64 * 1024, 256 * 1024, List.of("mvn:"), List.of(),
                1024 * 1024), json);
        CommandIntake intake = new CommandIntake(gate, node.system(), declarations, () -> { }, Runnable::run);
        return new DescriptorDeployer(intake, new Runtime(node.system(), declarations));
    }

    private File descriptor(String json) throws IOException {
        return Files.writeString(deployFolder.resolve("mover.agent.json"), json).toFile();
    }

    private Object step() {
        return node.system().info("mover").orElseThrow().config().settings().get("step");
    }

    private void moveAway() {
        node.system().pause("mover");
        node.time().runReady();
        node.system().release("mover", "elsewhere");
        node.time().runReady();
    }

    @Test
    void aDescriptorDoesNotBringBackItsAgentWhileItIsAwayAndAnEditMeanwhileAppliesOnceItIsBack() throws Exception {
        node.addType("echo", node.script());
        File file = descriptor("{\"name\": \"mover\", \"type\": \"echo\", \"config\": {\"step\": 1}}");
        startDeployer().install(file);
        node.time().runReady();
        moveAway();

        descriptor("{\"name\": \"mover\", \"type\": \"echo\", \"config\": {\"step\": 5}}");
        startDeployer().update(file);
        startDeployer().install(file); // the node restarted
        node.time().runReady();

        assertTrue(node.system().find("mover").isEmpty(), "it runs on the node it moved to, not here");

        SpawnConfig asItLeft = SpawnConfig.fromMap(Map.of("name", "mover", "type", "echo", "config", Map.of("step", 1)));
        node.system().adopt(new AgentSnapshot(asItLeft, "actor", 2, Map.of()));
        node.time().runReady();
        assertEquals(1, step(), "it comes back as it left");

        startDeployer().install(file); // the node's next start
        node.time().runReady();
        assertEquals(5, step(), "the edit made while it was away");
    }

    @Test
    void aDescriptorDeletedAndDroppedInAgainDoesNotBringBackItsDepartedAgent() throws Exception {
        node.addType("echo", node.script());
        File file = descriptor("{\"name\": \"mover\", \"type\": \"echo\"}");
        DescriptorDeployer deployer = startDeployer();
        deployer.install(file);
        node.time().runReady();
        moveAway();

        Files.delete(file.toPath());
        deployer.uninstall(file);
        startDeployer().install(descriptor("{\"name\": \"mover\", \"type\": \"echo\"}"));
        node.time().runReady();

        assertTrue(node.system().find("mover").isEmpty());
        assertEquals(Optional.of("elsewhere"), node.system().departedTo("mover"));
    }
}
