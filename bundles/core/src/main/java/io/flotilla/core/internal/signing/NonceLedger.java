package io.flotilla.core.internal.signing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * The nonces of the signed commands a node took, each until its command expires (and the clock
 * skew after): a command carries its nonce once. Kept on disk, so that a restart forgets none, and
 * bounded by the commands' lifetime: an expired command is refused anyway.
 */
public final class NonceLedger {

    static final int MAX_NONCES = 100_000;

    private final Path file;
    private final Map<String, Instant> until = new HashMap<>();

    public NonceLedger(Path file) throws IOException {
        this.file = file;
        if (Files.isRegularFile(file)) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                int space = line.indexOf(' ');
                if (space > 0) {
                    until.put(line.substring(space + 1), Instant.parse(line.substring(0, space)));
                }
            }
        }
    }

    /**
     * Takes {@code nonce}, to be remembered until {@code keep}; false when it was taken already.
     * Forgets the nonces whose time ended before {@code now}.
     */
    public synchronized boolean take(String nonce, Instant keep, Instant now) throws IOException {
        until.values().removeIf(end -> end.isBefore(now));
        if (until.containsKey(nonce)) {
            return false;
        }
        if (until.size() >= MAX_NONCES) {
            throw new IOException("more than " + MAX_NONCES + " signed commands within their lifetime: refused until some expire");
        }
        until.put(nonce, keep);
        StringBuilder lines = new StringBuilder();
        until.forEach((n, end) -> lines.append(end).append(' ').append(n).append('\n'));
        Files.createDirectories(file.getParent());
        Path next = file.resolveSibling(file.getFileName() + ".next");
        Files.writeString(next, lines, StandardCharsets.UTF_8);
        Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return true;
    }
}
