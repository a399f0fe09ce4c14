package io.flotilla.mqtt.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
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
 * <p>Kept: {@code spawn}, {@code stop}, {@code desired_state}. Not kept: {@code stop_all} (a node
 * that died has stopped; run at its next start, it would stop it again), {@code list} and
 * {@code ping} (their askers have given up by then), {@code migrate} and the messages of a move
 * between two nodes (a move the node died in ends by its timeouts with the agent on its source; run
 * again, one that had ended would report a failure after its success).
 *
 * <p>A kept command that came for another node name (the node was started again under a new one)
 * is set aside, not run; so is one the node died running {@value #MAX_ATTEMPTS} times at start.
 */
final class CommandInbox {

    static final Set<String> KEPT_KINDS = Set.of("spawn", "stop", "desired_state");
    static final int MAX_ATTEMPTS = 3;
    private static final Logger LOG = LoggerFactory.getLogger(CommandInbox.class);
    private static final String SUFFIX = ".json";

    /** A command as it came, and its entry. */
    record Entry(Path file, String kind, String topic, boolean retained, byte[] payload, int attempts) {
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
        Path file = directory.resolve(String.format("%020d", sequence.getAndIncrement()) + SUFFIX);
        try {
            AtomicFiles.write(file, document(kind, topic, retained, payload, 0));
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
                        Boolean.TRUE.equals(entry.get("retained")), Base64.getDecoder().decode((String) entry.get("payload")),
                        entry.get("attempts") instanceof Number attempts ? attempts.intValue() : 0));
            } catch (IOException | RuntimeException e) {
                setAside(file, "it cannot be read (" + e.getMessage() + ")");
            }
        }
        return entries;
    }

    /**
     * The kept commands to run now, oldest first, each counted as one more attempt: those for another
     * node name than {@code ownTopic} gives, and those tried too often, are set aside instead.
     */
    List<Entry> toRun(Function<String, String> ownTopic) {
        List<Entry> runnable = new ArrayList<>();
        for (Entry entry : pending()) {
            if (!entry.topic().equals(ownTopic.apply(entry.kind()))) {
                setAside(entry.file(), "it came on " + entry.topic() + ", for another node name than this node's");
            } else if (entry.attempts() >= MAX_ATTEMPTS) {
                setAside(entry.file(), "the node stopped before it was done " + entry.attempts() + " times, the last ones"
                        + " while running it at start");
            } else if (counted(entry)) {
                runnable.add(entry);
            }
        }
        return runnable;
    }

    private byte[] document(String kind, String topic, boolean retained, byte[] payload, int attempts) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("kind", kind);
        entry.put("topic", topic);
        entry.put("retained", retained);
        entry.put("payload", Base64.getEncoder().encodeToString(payload)); // as it came, whatever its bytes
        entry.put("attempts", attempts);
        return json.toBytes(entry);
    }

    private boolean counted(Entry entry) {
        try {
            AtomicFiles.write(entry.file(), document(entry.kind(), entry.topic(), entry.retained(), entry.payload(),
                    entry.attempts() + 1));
            return true;
        } catch (IOException e) {
            LOG.error("Could not count an attempt of the kept command {} ({}): not run, so that it cannot stop every start",
                    entry.file(), AtomicFiles.reason(e));
            return false;
        }
    }

    private static void setAside(Path file, String why) {
        try {
            Path aside = AtomicFiles.moveAside(file, Clock.systemUTC());
            LOG.error("The kept command {} is not run: {}; moved to {}", file.getFileName(), why, aside.getFileName());
        } catch (IOException moveFailed) {
            LOG.error("The kept command {} is not run: {}; nor could it be moved aside ({})", file, why,
                    AtomicFiles.reason(moveFailed));
        }
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
