package io.flotilla.mqtt.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.flotilla.util.AtomicFiles;

/**
 * The node's id: a UUID made once per installation and kept in {@code data/flotilla/mqtt/node-id},
 * so it tells two installations apart that were given one name. Heartbeats and statuses carry it.
 */
final class NodeIds {

    private static final Logger LOG = LoggerFactory.getLogger(NodeIds.class);

    private NodeIds() {
    }

    /** The id kept in {@code file}, made and kept there on first use. */
    static String of(Path file) {
        try {
            if (Files.exists(file)) {
                String id = Files.readString(file, StandardCharsets.UTF_8).trim();
                if (!id.isEmpty()) {
                    return id;
                }
            }
            String id = UUID.randomUUID().toString();
            AtomicFiles.write(file, id.getBytes(StandardCharsets.UTF_8));
            return id;
        } catch (IOException e) {
            LOG.warn("Could not keep the node id in {}: {}; using a new one for this run", file, e.getMessage());
            return UUID.randomUUID().toString();
        }
    }

    /** Where a node whose data directory is {@code dataDirectory} keeps its id. */
    static Path file(Path dataDirectory) {
        return dataDirectory.resolve("mqtt").resolve("node-id");
    }
}
