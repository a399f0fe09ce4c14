package io.flotilla.mqtt.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.flotilla.util.Json;

/** Commands kept on disk from their arrival to their result, as a node that dies in between finds them. */
class CommandInboxTest {

    @TempDir
    Path directory;

    private final Json json = new Json();

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void keptCommandsNotDoneAreFoundAgainInTheOrderTheyCame() {
        CommandInbox before = new CommandInbox(directory, json);
        Path first = before.keep("spawn", "nodes/n/spawn", true, bytes("{\"name\": \"a\"}"));
        Path second = before.keep("stop", "nodes/n/stop", false, bytes("{\"name\": \"b\"}"));
        Path third = before.keep("desired_state", "nodes/n/desired_state", false, new byte[] {(byte) 0xff, 0, 7});
        before.done(second);

        List<CommandInbox.Entry> pending = new CommandInbox(directory, json).pending(); // the node, started again

        assertEquals(List.of(first, third), pending.stream().map(CommandInbox.Entry::file).toList());
        assertEquals("spawn", pending.get(0).kind());
        assertEquals("nodes/n/spawn", pending.get(0).topic());
        assertTrue(pending.get(0).retained());
        assertArrayEquals(new byte[] {(byte) 0xff, 0, 7}, pending.get(1).payload(), "the bytes as they came");
    }

    @Test
    void anInboxStartedAgainGoesOnAfterItsLastEntry() {
        new CommandInbox(directory, json).keep("spawn", "nodes/n/spawn", false, bytes("{}"));
        Path later = new CommandInbox(directory, json).keep("spawn", "nodes/n/spawn", false, bytes("{\"later\": 1}"));

        List<CommandInbox.Entry> pending = new CommandInbox(directory, json).pending();
        assertEquals(later, pending.get(1).file());
    }

    @Test
    void queriesStopAllAndMovesAreNotKept() throws IOException {
        CommandInbox inbox = new CommandInbox(directory, json);
        for (String kind : List.of("stop_all", "list", "ping", "migrate", "migrate_in", "migrate_abort", "code_request")) {
            assertNull(inbox.keep(kind, "nodes/n/" + kind, false, bytes("{}")), kind);
        }
        assertEquals(List.of(), inbox.pending());
    }

    @Test
    void anEntryThatCannotBeReadIsMovedAsideAndTheOthersRun() throws IOException {
        CommandInbox inbox = new CommandInbox(directory, json);
        Path torn = inbox.keep("spawn", "nodes/n/spawn", false, bytes("{}"));
        Path whole = inbox.keep("stop", "nodes/n/stop", false, bytes("{}"));
        Files.writeString(torn, "{\"kind\": \"spa");

        List<CommandInbox.Entry> pending = inbox.pending();

        assertEquals(List.of(whole), pending.stream().map(CommandInbox.Entry::file).toList());
        try (Stream<Path> files = Files.list(directory)) {
            assertTrue(files.anyMatch(f -> f.getFileName().toString().startsWith(torn.getFileName().toString() + ".")),
                    "kept aside for a look");
        }
    }

    @Test
    void aCommandForAnotherNodeNameIsSetAsideNotRun() throws IOException {
        CommandInbox inbox = new CommandInbox(directory, json);
        inbox.keep("spawn", "nodes/old-name/spawn", false, bytes("{}"));
        Path own = inbox.keep("spawn", "nodes/n/spawn", false, bytes("{}"));

        List<CommandInbox.Entry> toRun = inbox.toRun(kind -> "nodes/n/" + kind);

        assertEquals(List.of(own), toRun.stream().map(CommandInbox.Entry::file).toList());
        assertEquals(List.of(own), inbox.pending().stream().map(CommandInbox.Entry::file).toList(), "the other set aside");
    }

    @Test
    void aCommandTheNodeDiesRunningAtEveryStartIsSetAsideAfterItsLastAttempt() {
        CommandInbox inbox = new CommandInbox(directory, json);
        inbox.keep("spawn", "nodes/n/spawn", false, bytes("{\"name\": \"poison\"}"));

        for (int start = 1; start <= CommandInbox.MAX_ATTEMPTS; start++) {
            List<CommandInbox.Entry> toRun = new CommandInbox(directory, json).toRun(kind -> "nodes/n/" + kind);
            assertEquals(1, toRun.size(), "start " + start + " runs it");
            // ... and the node dies running it: never done
        }

        assertEquals(List.of(), new CommandInbox(directory, json).toRun(kind -> "nodes/n/" + kind));
        assertEquals(List.of(), new CommandInbox(directory, json).pending());
    }
}
