package io.flotilla.core.internal.runtime;

import static io.flotilla.core.testing.Sandbox.agent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.flotilla.api.AgentState;
import io.flotilla.core.testing.Sandbox;
import io.flotilla.runtime.AgentEvent;

/**
 * A disk that refuses the node's writes is the node's trouble, not the agents': they run on with
 * their state in memory, their restart budgets untouched, the reason reported once, and the state
 * reaches the disk again when the disk takes it.
 */
class DiskTroubleTest {

    @TempDir
    Path data;

    @Test
    void anAgentRunsOnWhileItsStateCannotBeWrittenAndCatchesUpWhenItCan() throws IOException {
        Path stateDirectory = data.resolve("state");
        try (Sandbox node = Sandbox.over(data)) {
            node.addType("counter", node.counting());
            node.spawn(agent("c", "counter", "poll_interval", 1));
            node.advanceSeconds(2);
            Path file = stateDirectory.resolve("c.json");
            assertTrue(Files.exists(file));

            // Where the state directory was is now a file: every write there fails, as on a broken disk.
            Path moved = data.resolve("state-away");
            Files.move(stateDirectory, moved);
            Files.writeString(stateDirectory, "not a directory");
            node.advanceSeconds(30);

            assertEquals(AgentState.RUNNING, node.state("c"));
            assertEquals(0, node.agent("c").restartCount(), "the disk's trouble costs the agent no restart");
            assertEquals(33L, count(node), "the count goes on in memory");
            List<AgentEvent> stateErrors = node.errors("c").stream().filter(e -> "state".equals(e.phase())).toList();
            assertEquals(1, stateErrors.size(), "reported once, not at every write: " + stateErrors);
            assertTrue(stateErrors.get(0).message().contains("could not write persisted state to " + file),
                    stateErrors.get(0).message());

            // The disk is back.
            Files.delete(stateDirectory);
            Files.move(moved, stateDirectory);
            node.advanceSeconds(1);
            assertEquals("{\"count\":34}", Files.readString(file), "written again, with what was kept in memory");
            assertTrue(node.events("c").stream().anyMatch(e -> e.kind() == AgentEvent.Kind.LOG
                    && e.message().contains("persisted state written to " + file + " again")));
        }
    }

    @Test
    void writesAKillInterruptedAreCleanedUpAtStart() throws IOException {
        Files.createDirectories(data.resolve("state"));
        Files.createDirectories(data.resolve("agents"));
        Path stateLeftover = Files.writeString(data.resolve("state").resolve(".c.json1234.tmp"), "{\"cou");
        Path recordLeftover = Files.writeString(data.resolve("agents").resolve(".c.json5678.tmp"), "{");
        Path kept = Files.writeString(data.resolve("state").resolve("d.json"), "{\"count\": 2}");

        try (Sandbox node = Sandbox.over(data)) {
            assertTrue(Files.notExists(stateLeftover));
            assertTrue(Files.notExists(recordLeftover));
            assertTrue(Files.exists(kept), "only the temporary files go");
        }
    }

    private static long count(Sandbox node) {
        return ((Number) node.system().info("c").orElseThrow().persisted().get("count")).longValue();
    }
}
