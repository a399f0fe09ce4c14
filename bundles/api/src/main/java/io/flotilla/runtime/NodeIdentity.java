package io.flotilla.runtime;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;

/** Who this node is: its fleet-unique name and what it advertises. */
@ProviderType
public interface NodeIdentity {

    /** The node name: {@code FLOTILLA_NODE}, {@code AGENTFLOW_NODE}, {@code node.name}, or the host name. */
    String name();

    /** Configured capabilities followed by detected ones ({@code arch=amd64}, {@code cpus=4}, ...). */
    List<String> capabilities();

    /** Detected facts about the machine: cpus, memory_mb, arch, os, java. */
    Map<String, Object> facts();

    /** Where this node keeps its data ({@code data.dir}, by default {@code ${karaf.data}/flotilla}). */
    Path dataDirectory();
}
