package io.flotilla.core.internal.signing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

import io.flotilla.util.AtomicFiles;

/**
 * The signed command of each kind that this node took last, known by its signer's key and nonce. If
 * it was published retained (a desired state, say), the broker hands it over again at every
 * subscription: that is the command the node took already, not a replay, and it stays valid after
 * its signature's time, because it is the node's standing order until a newer one replaces it. (A
 * node subscribed when it is published gets it as a live message, so every kind's last command is
 * kept.) Kept on disk, so that a restart knows it too.
 */
final class RetainedCommands {

    private final Path file;
    private final Map<String, String> lastTaken = new TreeMap<>();

    RetainedCommands(Path file) throws IOException {
        this.file = file;
        if (Files.isRegularFile(file)) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                int space = line.indexOf(' ');
                if (space > 0) {
                    lastTaken.put(line.substring(0, space), line.substring(space + 1));
                }
            }
        }
    }

    /** Whether {@code signature} (key and nonce) is that of the {@code kind} command taken last. */
    synchronized boolean isLast(String kind, String signature) {
        return signature.equals(lastTaken.get(kind));
    }

    /** Records {@code signature} as that of the {@code kind} command taken last. */
    synchronized void taken(String kind, String signature) throws IOException {
        lastTaken.put(kind, signature);
        StringBuilder lines = new StringBuilder();
        lastTaken.forEach((k, s) -> lines.append(k).append(' ').append(s).append('\n'));
        Files.createDirectories(file.getParent());
        AtomicFiles.write(file, lines.toString().getBytes(StandardCharsets.UTF_8));
    }
}
