package io.flotilla.runtime;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;

/** Who this node is: its fleet-unique name and what it advertises. */
@ProviderType
public interface NodeIdentity {

    /** The node name: {@code node.name} (which the shipped file takes from {@code FLOTILLA_NODE}), or the host name. */
    String name();

    /** Configured capabilities followed by detected ones ({@code arch=amd64}, {@code cpus=4}, ...). */
    List<String> capabilities();

    /** Detected facts about the machine: cpus, memory_mb, arch, os, java. */
    Map<String, Object> facts();

    /** Where this node keeps its data ({@code data.dir}, by default {@code ${karaf.data}/flotilla}). */
    Path dataDirectory();

    /** How often this node sends its heartbeat, as it advertises in each. */
    Duration heartbeatInterval();
}
