package io.flotilla.mqtt.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.flotilla.util.AtomicFiles;

/**
 * The node's connection generations: each connect gets one above every one before, across restarts
 * too, whatever the clock says. A Raspberry Pi without a real-time clock boots in the past, and its
 * peers would take a clock-based incarnation for an old session of its. The clock still sets the
 * pace (an incarnation is the time of its connect when that is higher), so that a node whose record
 * is lost starts above its past ones as long as its clock is right. Kept in
 * {@code data/flotilla/incarnation}.
 */
final class Incarnations {

    private static final Logger LOG = LoggerFactory.getLogger(Incarnations.class);

    private final Path file;
    private final Clock clock;
    private long last;
    private boolean unwritable;

    /** @param file where the last incarnation is kept; null: in memory only */
    Incarnations(Path file, Clock clock) {
        this.file = file;
        this.clock = clock;
        if (file != null && Files.isRegularFile(file)) {
            try {
                last = Long.parseLong(Files.readString(file, StandardCharsets.UTF_8).trim());
            } catch (IOException | NumberFormatException e) {
                LOG.warn("The last incarnation in {} cannot be read ({}): counting from the clock", file, e.getMessage());
            }
        }
    }

    /** The next incarnation: above the last, and at least the clock's milliseconds; kept before it is used. */
    synchronized long next() {
        last = Math.max(last + 1, clock.millis());
        if (file != null) {
            try {
                Files.createDirectories(file.getParent());
                AtomicFiles.write(file, Long.toString(last).getBytes(StandardCharsets.UTF_8));
                unwritable = false;
            } catch (IOException e) {
                if (!unwritable) {
                    LOG.warn("The incarnation cannot be kept in {} ({}): after a restart the clock alone decides it", file,
                            e.getMessage());
                }
                unwritable = true;
            }
        }
        return last;
    }
}
