package io.flotilla.mqtt.internal;

import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Stops the whole node, as Karaf does on SIGTERM, for a node that must not go on (its name is taken). */
final class NodeStop {

    private static final Logger LOG = LoggerFactory.getLogger(NodeStop.class);

    private NodeStop() {
    }

    /**
     * Stops the framework from a thread of its own: stopping it deactivates the component that asks,
     * which must not wait for itself.
     */
    static void framework(BundleContext context, String why) {
        new Thread(() -> {
            try {
                context.getBundle(0).stop();
            } catch (BundleException | IllegalStateException e) {
                LOG.error("Could not stop the node ({}): {}", why, e.getMessage(), e);
            }
        }, "flotilla-stop-node").start();
    }
}
