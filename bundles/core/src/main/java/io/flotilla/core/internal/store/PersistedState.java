package io.flotilla.core.internal.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.flotilla.util.AtomicFiles;
import io.flotilla.util.Json;

/**
 * One agent's persisted state: a JSON object kept in memory and written through to
 * {@code state/<name>.json} on every change. Thread-safe.
 */
public final class PersistedState {

    private final Path file;
    private final Json json;
    private ObjectNode values;

    PersistedState(Path file, Json json, ObjectNode values) {
        this.file = file;
        this.json = json;
        this.values = values;
    }

    /** Stores {@code value} (any JSON-serialisable object) under {@code key}; null removes the key. */
    public synchronized void persist(String key, Object value) {
        ObjectNode next = values.deepCopy();
        if (value == null) {
            next.remove(key);
        } else {
            next.set(key, json.toTree(value));
        }
        write(next);
        values = next;
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

    /** Replaces everything with {@code state} (a migrated agent's), durably. */
    public synchronized void replaceAll(Map<String, Object> state) {
        ObjectNode next = json.toObjectNode(state);
        write(next);
        values = next;
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

    private void write(ObjectNode next) {
        try {
            AtomicFiles.write(file, json.toBytes(next));
        } catch (IOException e) {
            throw new UncheckedIOException("could not write agent state to " + file, e);
        }
    }
}
