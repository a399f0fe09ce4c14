package io.flotilla.mqtt.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.flotilla.util.AtomicFiles;
import io.flotilla.util.Json;

/**
 * Commands the broker has handed over and the node has not yet done, on disk: the broker forgets a
 * message once the node acknowledges it, which Paho does as soon as the message has been passed on,
 * so a node that died before running it would lose it. Each command is written (and forced to disk)
 * before it is passed on, removed once it has its result, and those still here when the node starts
 * are run then, in the order they came. A command may so run twice (its result came, the node died
 * before removing it): the intake's request ids and the idempotence of spawn, stop and desired state
 * make the second run a no-op.
 *
 * <p>Kept: {@code spawn}, {@code stop}, {@code desired_state}, {@code migrate}. Not kept:
 * {@code stop_all} (a node that died has stopped; run at its next start, it would stop it again),
 * {@code list} and {@code ping} (their askers have given up by then), and the messages of a move
 * between two nodes, which end by their own timeouts with the agent on its source.
 */
final class CommandInbox {

    static final Set<String> KEPT_KINDS = Set.of("spawn", "stop", "desired_state", "migrate");
    private static final Logger LOG = LoggerFactory.getLogger(CommandInbox.class);
    private static final String SUFFIX = ".json";

    /** A command as it came, and its entry. */
    record Entry(Path file, String kind, String topic, boolean retained, byte[] payload) {
    }

    private final Path directory;
    private final Json json;
    private final AtomicLong sequence;

    CommandInbox(Path directory, Json json) {
        this.directory = directory;
        this.json = json;
        this.sequence = new AtomicLong(lastSequence(directory) + 1);
    }

    /**
     * Keeps a command before the broker is told it arrived; the file to {@link #done} once it has its
     * result, or null when it is not kept (its kind, or a disk that refused it: said in the log).
     */
    Path keep(String kind, String topic, boolean retained, byte[] payload) {
        if (!KEPT_KINDS.contains(kind)) {
            return null;
        }
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("kind", kind);
        entry.put("topic", topic);
        entry.put("retained", retained);
        entry.put("payload", Base64.getEncoder().encodeToString(payload)); // as it came, whatever its bytes
        Path file = directory.resolve(String.format("%020d", sequence.getAndIncrement()) + SUFFIX);
        try {
            AtomicFiles.write(file, json.toBytes(entry));
            return file;
        } catch (IOException e) {
            LOG.error("Could not keep a {} command from {} in {} ({}): it runs, but is lost if the node dies first", kind,
                    topic, directory, AtomicFiles.reason(e));
            return null;
        }
    }

    /** The command has its result: it need not run again. */
    void done(Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("Could not remove the done command {} ({}): it runs again at the next start, to no effect",
                    file, AtomicFiles.reason(e));
        }
    }

    /** The commands kept and not done, oldest first; an entry that cannot be read is moved aside. */
    List<Entry> pending() {
        List<Entry> entries = new ArrayList<>();
        for (Path file : files(directory)) {
            try {
                Map<String, Object> entry = json.parseObject(Files.readAllBytes(file));
                entries.add(new Entry(file, (String) entry.get("kind"), (String) entry.get("topic"),
                        Boolean.TRUE.equals(entry.get("retained")), Base64.getDecoder().decode((String) entry.get("payload"))));
            } catch (IOException | RuntimeException e) {
                try {
                    Path aside = AtomicFiles.moveAside(file, java.time.Clock.systemUTC());
                    LOG.error("A kept command in {} cannot be read ({}); moved it to {}", file, e.getMessage(), aside);
                } catch (IOException moveFailed) {
                    LOG.error("A kept command in {} cannot be read ({}) nor moved aside ({})", file, e.getMessage(),
                            AtomicFiles.reason(moveFailed));
                }
            }
        }
        return entries;
    }

    private static List<Path> files(Path directory) {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> listed = Files.list(directory)) {
            return listed.filter(f -> f.getFileName().toString().matches("\\d{20}\\" + SUFFIX)).sorted().toList();
        } catch (IOException e) {
            LOG.error("Could not read the kept commands in {} ({}): they do not run", directory, AtomicFiles.reason(e));
            return List.of();
        }
    }

    private static long lastSequence(Path directory) {
        List<Path> files = files(directory);
        if (files.isEmpty()) {
            return 0;
        }
        String name = files.get(files.size() - 1).getFileName().toString();
        return Long.parseLong(name.substring(0, name.length() - SUFFIX.length()));
    }
}
