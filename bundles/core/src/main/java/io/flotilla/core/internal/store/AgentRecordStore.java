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

import io.flotilla.runtime.SpawnConfig;
import io.flotilla.util.AtomicFiles;
import io.flotilla.util.Json;

/**
 * The agents of this node, one {@code agents/<name>.json} each, written atomically. The file of an
 * agent that migrated away becomes its {@link Departure}: one rename either way, so a crash leaves
 * the agent either here or gone, never both.
 */
public final class AgentRecordStore {

    private static final String DEPARTED_TO = "departed_to";

    private final Path directory;
    private final Json json;
    private final Clock clock;

    public AgentRecordStore(Path directory, Json json, Clock clock) {
        this.directory = directory;
        this.json = json;
        this.clock = clock;
    }

    /** Saves an agent of this node, replacing its departure if it had moved away. */
    public void save(AgentRecord record) {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("actor_id", record.actorId());
        document.put("running", record.running());
        if (record.failure() != null) {
            document.put("failed", record.failure());
        }
        if (record.epoch() > 0) {
            document.put("epoch", record.epoch());
        }
        Map<String, Object> config = record.config().toMap();
        config.remove("replace");
        document.put("config", config);
        write(record.name(), document, "could not save agent " + record.name());
    }

    /** Replaces the record of an agent that moved to another node with its departure. */
    public void depart(AgentRecord record, String node) {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put(DEPARTED_TO, node);
        document.put("departed_at", clock.instant().toString()); // for whoever reads the file
        document.put("actor_id", record.actorId());
        document.put("type", record.config().type());
        document.put("epoch", record.epoch());
        write(record.name(), document, "could not record that agent " + record.name() + " moved to node " + node);
    }

    /**
     * Where an agent went, if it left this node and has not been saved here since. An unreadable
     * file is no departure: the node reports and moves it aside when it next loads its agents.
     */
    public Optional<Departure> departure(String name) {
        Map<String, Object> document;
        try {
            document = json.parseObject(Files.readAllBytes(file(name)));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        return document.containsKey(DEPARTED_TO) ? Optional.of(departure(name, document)) : Optional.empty();
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
                    Map<String, Object> document = json.parseObject(Files.readAllBytes(file));
                    if (document.containsKey(DEPARTED_TO)) {
                        continue; // an agent that moved away: nothing to start here
                    }
                    records.add(read(file, document));
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

    private AgentRecord read(Path file, Map<String, Object> document) throws IOException {
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
        Object failed = document.get("failed");
        return new AgentRecord(id, spawnConfig, shouldRun, number.longValue(), failed instanceof String why ? why : null);
    }

    /** Deletes what a killed write left behind: run before the node reads its agents. */
    public int removeLeftovers() {
        try {
            return AtomicFiles.removeLeftovers(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("could not clean " + directory + ": " + AtomicFiles.reason(e), e);
        }
    }

    private Path file(String name) {
        return directory.resolve(name + ".json");
    }

    private static Departure departure(String name, Map<String, Object> document) {
        return new Departure(name, String.valueOf(document.get("actor_id")), String.valueOf(document.get("type")),
                document.get("epoch") instanceof Number epoch ? epoch.longValue() : 0,
                String.valueOf(document.get(DEPARTED_TO)));
    }

    private void write(String name, Map<String, Object> document, String failure) {
        try {
            AtomicFiles.write(file(name), json.toPrettyBytes(document));
        } catch (IOException e) {
            throw new UncheckedIOException(failure + ": " + AtomicFiles.reason(e), e);
        }
    }
}
