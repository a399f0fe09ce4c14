package io.flotilla.core.internal.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import io.flotilla.core.internal.json.Json;
import io.flotilla.runtime.SpawnConfig;
import io.flotilla.runtime.AtomicFiles;

/**
 * The spawned agents of this node, one {@code agents/<name>.json} each, written atomically; and for
 * an agent that moved to another node, where it went ({@code agents/departed/<name>.json}) until it
 * is here again.
 */
public final class AgentRecordStore {

    private final Path directory;
    private final Json json;
    private final Clock clock;

    public AgentRecordStore(Path directory, Json json, Clock clock) {
        this.directory = directory;
        this.json = json;
        this.clock = clock;
    }

    /** Saves an agent of this node; one that had moved away is here again. */
    public void save(AgentRecord record) {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("actor_id", record.actorId());
        document.put("running", record.running());
        if (record.epoch() > 0) {
            document.put("epoch", record.epoch());
        }
        Map<String, Object> config = record.config().toMap();
        config.remove("replace");
        document.put("config", config);
        try {
            AtomicFiles.write(file(record.name()), json.toPrettyBytes(document));
            Files.deleteIfExists(departure(record.name()));
        } catch (IOException e) {
            throw new UncheckedIOException("could not save agent " + record.name(), e);
        }
    }

    /** Forgets an agent that moved to {@code node}, remembering where it went. */
    public void depart(String name, String node) {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("node", node);
        document.put("departed_at", clock.instant().toString());
        try {
            AtomicFiles.write(departure(name), json.toPrettyBytes(document));
            delete(name);
        } catch (IOException e) {
            throw new UncheckedIOException("could not record that agent " + name + " moved to node " + node, e);
        }
    }

    /** The node an agent moved to, if it left this node and has not come back. */
    public Optional<String> departedTo(String name) {
        Path file = departure(name);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            if (json.parseObject(Files.readAllBytes(file)).get("node") instanceof String node) {
                return Optional.of(node);
            }
            throw new IOException("no 'node'");
        } catch (IOException | RuntimeException e) {
            // Unreadable, it still says the agent left; which node is what was lost.
            return Optional.of("unknown (" + file.getFileName() + " is unreadable: " + e.getMessage() + ")");
        }
    }

    public void delete(String name) {
        try {
            Files.deleteIfExists(file(name));
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete the record of agent " + name, e);
        }
    }

    /** Every record; a file that cannot be read is moved aside and reported through {@code onCorrupt}. */
    public List<AgentRecord> loadAll(Consumer<String> onCorrupt) {
        List<AgentRecord> records = new ArrayList<>();
        if (!Files.isDirectory(directory)) {
            return records;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*.json")) {
            for (Path file : files) {
                try {
                    records.add(read(file));
                } catch (IOException | RuntimeException e) {
                    Path aside = AtomicFiles.moveAside(file, clock);
                    onCorrupt.accept("agent record " + file + " could not be read (" + e.getMessage()
                            + "); moved it to " + aside.getFileName());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not list " + directory, e);
        }
        return records;
    }

    private AgentRecord read(Path file) throws IOException {
        Map<String, Object> document = json.parseObject(Files.readAllBytes(file));
        Object config = document.get("config");
        if (!(config instanceof Map<?, ?> configMap)) {
            throw new IOException("no 'config' object");
        }
        @SuppressWarnings("unchecked")
        SpawnConfig spawnConfig = SpawnConfig.fromMap((Map<String, ?>) configMap);
        if (!file.getFileName().toString().equals(spawnConfig.name() + ".json")) {
            throw new IOException("it describes agent " + spawnConfig.name());
        }
        Object actorId = document.get("actor_id");
        Object running = document.get("running");
        Object epoch = document.getOrDefault("epoch", 0);
        if (!(actorId instanceof String id) || !(running instanceof Boolean shouldRun)) {
            throw new IOException("'actor_id' or 'running' missing");
        }
        if (!(epoch instanceof Number number) || number.longValue() < 0) {
            throw new IOException("'epoch' is not a count");
        }
        return new AgentRecord(id, spawnConfig, shouldRun, number.longValue());
    }

    private Path file(String name) {
        return directory.resolve(name + ".json");
    }

    private Path departure(String name) {
        return directory.resolve("departed").resolve(name + ".json");
    }
}
