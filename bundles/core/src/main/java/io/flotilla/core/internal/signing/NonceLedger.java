package io.flotilla.core.internal.signing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.flotilla.util.AtomicFiles;

/**
 * The nonces of the signed commands a node took, each until its command expires (and the clock
 * skew after): a command carries its nonce once. Kept on disk and flushed, so that neither a
 * restart nor a crash forgets one, and bounded by the commands' lifetime: an expired command is
 * refused anyway.
 * <p>
 * What the ledger no longer knows is refused rather than trusted: it records up to when it pruned
 * (a clock stepped back must not bring pruned nonces back to life), and a ledger that cannot be
 * read is moved aside, after which commands issued before that moment are refused.
 */
public final class NonceLedger {

    static final int MAX_NONCES = 100_000;
    private static final Logger LOG = LoggerFactory.getLogger(NonceLedger.class);
    private static final String PRUNED = "pruned-before ";
    private static final String UNREADABLE = "unreadable-at ";

    private final Path file;
    private final Map<String, Instant> until = new HashMap<>();
    /** Nonces of commands that ended before this were pruned. */
    private Instant prunedBefore = Instant.EPOCH;
    /** The ledger was lost at this moment: a command issued before may have been taken. */
    private Instant unreadableAt = Instant.EPOCH;

    public NonceLedger(Path file, Clock clock) throws IOException {
        this.file = file;
        if (!Files.isRegularFile(file)) {
            return;
        }
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.startsWith(PRUNED)) {
                    prunedBefore = Instant.parse(line.substring(PRUNED.length()));
                } else if (line.startsWith(UNREADABLE)) {
                    unreadableAt = Instant.parse(line.substring(UNREADABLE.length()));
                } else if (!line.isBlank()) {
                    int space = line.indexOf(' ');
                    until.put(line.substring(space + 1), Instant.parse(line.substring(0, space)));
                }
            }
        } catch (DateTimeParseException | IndexOutOfBoundsException e) {
            Path aside = AtomicFiles.moveAside(file, clock, "unreadable");
            until.clear();
            unreadableAt = clock.instant();
            LOG.error("The record of used nonces {} cannot be read (moved to {}): signed commands issued before {} are"
                    + " refused, since they might be replays", file, aside, unreadableAt);
        }
    }

    /** Where the ledger is kept. */
    public Path file() {
        return file;
    }

    /**
     * Takes {@code nonce} of a command issued at {@code issued}, to be remembered until {@code keep}
     * (its command's end, and the skew); false when it was taken already, or may have been and is
     * forgotten. Forgets the nonces whose time ended before {@code now}.
     */
    public synchronized boolean take(String nonce, Instant issued, Instant keep, Instant now) throws IOException {
        if (until.containsKey(nonce) || keep.isBefore(prunedBefore) || issued.isBefore(unreadableAt)) {
            return false;
        }
        int before = until.size();
        until.values().removeIf(end -> end.isBefore(now));
        if (until.size() < before && now.isAfter(prunedBefore)) {
            prunedBefore = now;
        }
        if (until.size() >= MAX_NONCES) {
            throw new IOException("more than " + MAX_NONCES + " signed commands within their lifetime: refused until some expire");
        }
        until.put(nonce, keep);
        StringBuilder lines = new StringBuilder(PRUNED).append(prunedBefore).append('\n').append(UNREADABLE)
                .append(unreadableAt).append('\n');
        until.forEach((n, end) -> lines.append(end).append(' ').append(n).append('\n'));
        Files.createDirectories(file.getParent());
        AtomicFiles.write(file, lines.toString().getBytes(StandardCharsets.UTF_8));
        return true;
    }
}
