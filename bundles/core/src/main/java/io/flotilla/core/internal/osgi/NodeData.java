package io.flotilla.core.internal.osgi;

import java.nio.file.Path;

import org.osgi.framework.BundleContext;

/** Where this node keeps its data. */
final class NodeData {

    private NodeData() {
    }

    /** {@code data.dir}, or {@code ${karaf.data}/flotilla}, or the bundle's own data area. */
    static Path directory(BundleContext context, NodeConfig config) {
        if (!config.data_dir().isBlank()) {
            return Path.of(config.data_dir());
        }
        String karafData = context.getProperty("karaf.data");
        if (karafData != null) {
            return Path.of(karafData, "flotilla");
        }
        return context.getDataFile("").toPath();
    }
}
