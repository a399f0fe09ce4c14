package io.flotilla.core.internal.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.flotilla.util.AtomicFiles;
import io.flotilla.util.Json;

/**
 * One agent's persisted state: a JSON object kept in memory and written through to
 * {@code state/<name>.json} on every change. A write the disk refuses (full, read-only) is not the
 * agent's fault and does not fail the agent: the value is kept in memory, the disk's reason is
 * reported once, and the next change writes everything again, so the file catches up when the disk
 * does. Thread-safe.
 */
public final class PersistedState {

    /** Who is told when the file cannot be written (with the operating system's reason), and when it can again. */
    public record WriteTrouble(Consumer<String> failing, Consumer<String> recovered) {
        public static final WriteTrouble NONE = new WriteTrouble(problem -> { }, message -> { });
    }

    private final Path file;
    private final Json json;
    private final WriteTrouble trouble;
    private ObjectNode values;
    private boolean unsaved;

    PersistedState(Path file, Json json, ObjectNode values, WriteTrouble trouble) {
        this.file = file;
        this.json = json;
        this.values = values;
        this.trouble = trouble;
    }

    /** Stores {@code value} (any JSON-serialisable object) under {@code key}; null removes the key. */
    public synchronized void persist(String key, Object value) {
        ObjectNode next = values.deepCopy();
        if (value == null) {
            next.remove(key);
        } else {
            next.set(key, json.toTree(value));
        }
        values = next;
        writeThrough();
    }

    /** True while the latest values are only in memory, the disk having refused them. */
    public synchronized boolean unsaved() {
        return unsaved;
    }

    /** Writes the values again if the last write failed: when the agent stops, or leaves. */
    public synchronized void flush() {
        if (unsaved) {
            writeThrough();
        }
    }

    public synchronized <T> Optional<T> recall(String key, Class<T> type) {
        JsonNode node = values.get(key);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        return Optional.of(json.fromTree(node, type));
    }

    /** A copy of every key and value, as plain maps, lists and scalars. */
    public synchronized Map<String, Object> snapshot() {
        return json.toMap(values);
    }

    /** Replaces everything with {@code state} (a migrated agent's), durably: throws when it cannot. */
    public synchronized void replaceAll(Map<String, Object> state) {
        ObjectNode next = json.toObjectNode(state);
        try {
            AtomicFiles.write(file, json.toBytes(next));
        } catch (IOException e) {
            throw new UncheckedIOException("could not write agent state to " + file + ": " + AtomicFiles.reason(e), e);
        }
        values = next;
        unsaved = false;
    }

    /** Deletes the file and forgets every value. */
    public synchronized void delete() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete " + file, e);
        }
        values = json.newObject();
    }

    public Path file() {
        return file;
    }

    private void writeThrough() {
        try {
            AtomicFiles.write(file, json.toBytes(values));
        } catch (IOException e) {
            if (!unsaved) {
                unsaved = true;
                trouble.failing().accept("could not write persisted state to " + file + ": " + AtomicFiles.reason(e)
                        + "; the agent runs on with its state in memory, written when the disk takes it again");
            }
            return;
        }
        if (unsaved) {
            unsaved = false;
            trouble.recovered().accept("persisted state written to " + file + " again");
        }
    }
}
