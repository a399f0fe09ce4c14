package io.flotilla.core.internal.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.flotilla.util.AtomicFiles;
import io.flotilla.util.Json;

/** The directory of persisted agent state: one {@code <name>.json} per agent. */
public final class StateStore {

    private final Path directory;
    private final Json json;
    private final Clock clock;

    public StateStore(Path directory, Json json, Clock clock) {
        this.directory = directory;
        this.json = json;
        this.clock = clock;
    }

    /**
     * Loads an agent's state. A file that is not a JSON object is moved aside (kept, never deleted)
     * and {@code onCorrupt} is told where it went and why; the agent then starts with empty state.
     */
    public PersistedState open(String agentName, Consumer<String> onCorrupt) {
        Path file = directory.resolve(agentName + ".json");
        if (!Files.exists(file)) {
            return new PersistedState(file, json, json.newObject());
        }
        try {
            JsonNode node = json.parse(Files.readAllBytes(file));
            if (node instanceof ObjectNode object) {
                return new PersistedState(file, json, object);
            }
            return movedAside(file, "it holds " + node.getNodeType().name().toLowerCase() + ", not an object", onCorrupt);
        } catch (IOException e) {
            return movedAside(file, e.getMessage(), onCorrupt);
        }
    }

    /** Deletes an agent's state file if there is one. */
    public void delete(String agentName) {
        try {
            Files.deleteIfExists(directory.resolve(agentName + ".json"));
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete the state of " + agentName, e);
        }
    }

    private PersistedState movedAside(Path file, String why, Consumer<String> onCorrupt) {
        try {
            Path aside = AtomicFiles.moveAside(file, clock);
            onCorrupt.accept("persisted state " + file + " could not be read (" + firstLine(why)
                    + "); moved it to " + aside.getFileName() + " and started with empty state");
        } catch (IOException e) {
            throw new UncheckedIOException("persisted state " + file + " could not be read (" + firstLine(why)
                    + ") nor moved aside", e);
        }
        return new PersistedState(file, json, json.newObject());
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "unreadable";
        }
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }
}
