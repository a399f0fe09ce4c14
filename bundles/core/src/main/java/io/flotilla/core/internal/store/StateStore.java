package io.flotilla.core.internal.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
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
        return open(agentName, onCorrupt, PersistedState.WriteTrouble.NONE);
    }

    /** As {@link #open(String, Consumer)}, telling {@code trouble} when writes fail and when they work again. */
    public PersistedState open(String agentName, Consumer<String> onCorrupt, PersistedState.WriteTrouble trouble) {
        Path file = directory.resolve(agentName + ".json");
        if (!Files.exists(file)) {
            return new PersistedState(file, json, json.newObject(), trouble);
        }
        try {
            JsonNode node = json.parse(Files.readAllBytes(file));
            if (node instanceof ObjectNode object) {
                return new PersistedState(file, json, object, trouble);
            }
            return movedAside(file, "it holds " + node.getNodeType().name().toLowerCase() + ", not an object", onCorrupt,
                    trouble);
        } catch (IOException e) {
            return movedAside(file, e.getMessage(), onCorrupt, trouble);
        }
    }

    /** Deletes what a killed write left behind: run before the node reads its agents. */
    public int removeLeftovers() {
        try {
            return AtomicFiles.removeLeftovers(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("could not clean " + directory + ": " + AtomicFiles.reason(e), e);
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

    /**
     * Moves an agent's state out of the way, kept beside where it was
     * ({@code <name>.json.<why>-<time>}); returns where it went, or empty when there was none.
     */
    public Optional<Path> setAside(String agentName, String why) {
        Path file = directory.resolve(agentName + ".json");
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(AtomicFiles.moveAside(file, clock, why));
        } catch (IOException e) {
            throw new UncheckedIOException("could not set the state of " + agentName + " aside", e);
        }
    }

    /** Deletes what {@link #setAside} kept of an agent's state for {@code why}. */
    public void deleteAside(String agentName, String why) {
        String prefix = agentName + ".json." + why + "-";
        try (DirectoryStream<Path> kept = Files.newDirectoryStream(directory, prefix + "*")) {
            for (Path file : kept) {
                Files.deleteIfExists(file);
            }
        } catch (NoSuchFileException nothingKept) {
            // no state directory: nothing was set aside
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete what was kept of the state of " + agentName, e);
        }
    }

    private PersistedState movedAside(Path file, String why, Consumer<String> onCorrupt,
            PersistedState.WriteTrouble trouble) {
        try {
            Path aside = AtomicFiles.moveAside(file, clock);
            onCorrupt.accept("persisted state " + file + " could not be read (" + firstLine(why)
                    + "); moved it to " + aside.getFileName() + " and started with empty state");
        } catch (IOException e) {
            throw new UncheckedIOException("persisted state " + file + " could not be read (" + firstLine(why)
                    + ") nor moved aside", e);
        }
        return new PersistedState(file, json, json.newObject(), trouble);
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "unreadable";
        }
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }
}
