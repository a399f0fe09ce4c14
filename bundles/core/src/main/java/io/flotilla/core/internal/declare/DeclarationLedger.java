package io.flotilla.core.internal.declare;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.flotilla.util.AtomicFiles;
import io.flotilla.util.Json;

/**
 * Which agent each source declared, and the hash of the config last applied for it:
 * {@code declarations.json}, written atomically. What it holds decides what a declaration changed.
 * An unreadable ledger is moved aside and reported; the node then treats every declaration as new.
 * Guarded by its owner.
 */
final class DeclarationLedger {

    private static final Logger LOG = LoggerFactory.getLogger(DeclarationLedger.class);

    private final Path file;
    private final Json json;
    private final Map<String, Map<String, String>> applied = new LinkedHashMap<>();

    DeclarationLedger(Path file, Json json) {
        this.file = file;
        this.json = json;
        load();
    }

    /** The hash last applied for {@code agent} from {@code source}, or null. */
    String applied(String source, String agent) {
        Map<String, String> agents = applied.get(source);
        return agents == null ? null : agents.get(agent);
    }

    /** The agents {@code source} declared. */
    List<String> agents(String source) {
        Map<String, String> agents = applied.get(source);
        return agents == null ? List.of() : List.copyOf(agents.keySet());
    }

    List<String> sources() {
        return List.copyOf(applied.keySet());
    }

    void record(String source, String agent, String hash) {
        applied.computeIfAbsent(source, s -> new LinkedHashMap<>()).put(agent, hash);
    }

    void forget(String source, String agent) {
        Map<String, String> agents = applied.get(source);
        if (agents != null) {
            agents.remove(agent);
            if (agents.isEmpty()) {
                applied.remove(source);
            }
        }
    }

    void save() {
        try {
            AtomicFiles.write(file, json.toPrettyBytes(Map.of("sources", applied)));
        } catch (IOException e) {
            LOG.error("Could not save {}: {}", file, e.getMessage());
        }
    }

    private void load() {
        if (!Files.exists(file)) {
            return;
        }
        try {
            if (json.parseObject(Files.readAllBytes(file)).get("sources") instanceof Map<?, ?> sources) {
                sources.forEach((source, agents) -> {
                    if (agents instanceof Map<?, ?> entries) {
                        entries.forEach((agent, hash) -> record(String.valueOf(source), String.valueOf(agent),
                                String.valueOf(hash)));
                    }
                });
            }
        } catch (IOException e) {
            try {
                Path aside = AtomicFiles.moveAside(file, Clock.systemUTC());
                LOG.error("Could not read {} ({}); moved it to {}: every declaration counts as new", file,
                        e.getMessage(), aside.getFileName());
            } catch (IOException moveFailed) {
                LOG.error("Could not read {} ({}) nor move it aside ({})", file, e.getMessage(), moveFailed.getMessage());
            }
        }
    }
}
