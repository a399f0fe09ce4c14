package io.flotilla.core.internal.signing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.flotilla.util.AtomicFiles;

/**
 * The nonces of the signed commands a node took, each until its command expires (and the clock
 * skew after): a command carries its nonce once. Kept on disk, a line appended and forced for each
 * command before it runs, so that neither a restart nor a crash forgets one, and bounded by the
 * commands' lifetime: an expired command is refused anyway, and the file is rewritten without the
 * expired ones once they are most of it.
 * <p>
 * What the ledger no longer knows is refused rather than trusted: it records up to when it pruned
 * (a clock stepped back must not bring pruned nonces back to life), and a ledger that cannot be
 * read is moved aside, after which commands issued before that moment are refused. A last line cut
 * short by a crash is a command that never ran: it is left out.
 * <p>
 * It also keeps the nonce and the issue time of the standing command taken last (a desired state):
 * published retained, it comes again at every subscription, and is then no replay ({@link #isLast});
 * an older one would roll the node back ({@link #lastIssued}).
 */
public final class NonceLedger {

    static final int MAX_NONCES = 100_000;
    private static final Logger LOG = LoggerFactory.getLogger(NonceLedger.class);
    private static final String PRUNED = "pruned-before ";
    private static final String UNREADABLE = "unreadable-at ";
    private static final String LAST = "last ";
    /** Lines the file may hold beyond the live nonces before it is rewritten. */
    private static final int SLACK = 1000;

    private final Path file;
    private final Map<String, Instant> until = new HashMap<>();
    private final Map<String, Last> lastByKind = new TreeMap<>();
    /** Nonces of commands that ended before this were pruned. */
    private Instant prunedBefore = Instant.EPOCH;
    /** The ledger was lost at this moment: a command issued before may have been taken. */
    private Instant unreadableAt = Instant.EPOCH;
    private int lines;

    /** The standing command of a kind taken last. */
    private record Last(String nonce, Instant issued) {
    }

    public NonceLedger(Path file, Clock clock) throws IOException {
        this.file = file;
        if (!Files.isRegularFile(file)) {
            return;
        }
        String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        List<String> complete = text.lines().toList();
        boolean torn = !text.isEmpty() && !text.endsWith("\n");
        if (torn) {
            complete = complete.subList(0, complete.size() - 1); // cut short by a crash: that command never ran
        }
        try {
            for (String line : complete) {
                read(line);
            }
            lines = complete.size();
            if (torn) {
                rewrite(); // without the torn line, which the next one appended would otherwise run on from
            }
        } catch (DateTimeParseException | IllegalArgumentException e) {
            Path aside = AtomicFiles.moveAside(file, clock, "unreadable");
            until.clear();
            lastByKind.clear();
            unreadableAt = clock.instant();
            LOG.error("The record of used nonces {} cannot be read (moved to {}): signed commands issued before {} are"
                    + " refused, since they might be replays", file, aside, unreadableAt);
            rewrite();
        }
    }

    /** One line, exactly as written: anything else means the file is not the ledger this class wrote. */
    private void read(String line) {
        String[] fields = line.split(" ", -1);
        if (line.startsWith(PRUNED) && fields.length == 2) {
            prunedBefore = Instant.parse(fields[1]);
        } else if (line.startsWith(UNREADABLE) && fields.length == 2) {
            unreadableAt = Instant.parse(fields[1]);
        } else if (line.startsWith(LAST) && fields.length == 4) {
            lastByKind.put(fields[1], new Last(fields[2], Instant.parse(fields[3])));
        } else if (fields.length == 2 && !fields[1].isEmpty()) {
            until.put(fields[1], Instant.parse(fields[0]));
        } else {
            throw new IllegalArgumentException("not a line of the ledger: " + line);
        }
    }

    /**
     * Takes {@code nonce} of a {@code kind} command issued at {@code issued}, to be remembered until
     * {@code keep} (its command's end, and the skew); false when it was taken already, or may have
     * been and is forgotten. Forgets the nonces whose time ended before {@code now}.
     */
    public synchronized boolean take(String kind, String nonce, Instant issued, Instant keep, Instant now) throws IOException {
        return take(kind, nonce, issued, keep, now, false);
    }

    /** {@link #take}, recording a {@code standing} command as its kind's last. */
    public synchronized boolean take(String kind, String nonce, Instant issued, Instant keep, Instant now, boolean standing)
            throws IOException {
        if (until.containsKey(nonce) || keep.isBefore(prunedBefore) || issued.isBefore(unreadableAt)) {
            return false;
        }
        int before = until.size();
        until.values().removeIf(end -> end.isBefore(now));
        boolean pruned = until.size() < before && now.isAfter(prunedBefore);
        if (pruned) {
            prunedBefore = now;
        }
        if (until.size() >= MAX_NONCES) {
            throw new IOException("more than " + MAX_NONCES + " signed commands within their lifetime: refused until some expire");
        }
        Last lastBefore = lastByKind.get(kind);
        until.put(nonce, keep);
        StringBuilder text = new StringBuilder(keep + " " + nonce + "\n");
        if (pruned) {
            text.append(PRUNED).append(prunedBefore).append('\n');
        }
        if (standing) {
            lastByKind.put(kind, new Last(nonce, issued));
            text.append(LAST).append(kind).append(' ').append(nonce).append(' ').append(issued).append('\n');
        }
        try {
            if (lines > 2 * until.size() + SLACK) {
                rewrite();
            } else {
                append(text.toString());
            }
        } catch (IOException e) {
            // Not on disk, so not taken: the command is refused, and memory says what the file says
            until.remove(nonce);
            if (standing) {
                restore(kind, lastBefore);
            }
            throw e;
        }
        return true;
    }

    /** Whether {@code nonce} is that of the standing {@code kind} command taken last. */
    public synchronized boolean isLast(String kind, String nonce) {
        Last last = lastByKind.get(kind);
        return last != null && last.nonce().equals(nonce);
    }

    /** When the standing {@code kind} command taken last was issued, if one was. */
    public synchronized java.util.Optional<Instant> lastIssued(String kind) {
        return java.util.Optional.ofNullable(lastByKind.get(kind)).map(Last::issued);
    }

    private void restore(String kind, Last before) {
        if (before == null) {
            lastByKind.remove(kind);
        } else {
            lastByKind.put(kind, before);
        }
    }

    /** Appends whole lines and forces them to disk; on failure, cuts the file back to where it was. */
    private void append(String text) throws IOException {
        Files.createDirectories(file.getParent());
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            long end = channel.size();
            try {
                ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
                long at = end;
                while (bytes.hasRemaining()) {
                    at += channel.write(bytes, at);
                }
                channel.force(false);
            } catch (IOException e) {
                channel.truncate(end);
                throw e;
            }
        }
        lines += (int) text.chars().filter(c -> c == '\n').count();
    }

    /** The whole ledger anew, without what was pruned. */
    private void rewrite() throws IOException {
        StringBuilder text = new StringBuilder(PRUNED).append(prunedBefore).append('\n').append(UNREADABLE)
                .append(unreadableAt).append('\n');
        until.forEach((n, end) -> text.append(end).append(' ').append(n).append('\n'));
        lastByKind.forEach((kind, last) -> text.append(LAST).append(kind).append(' ').append(last.nonce()).append(' ')
                .append(last.issued()).append('\n'));
        Files.createDirectories(file.getParent());
        AtomicFiles.write(file, text.toString().getBytes(StandardCharsets.UTF_8));
        lines = 2 + until.size() + lastByKind.size();
    }
}
