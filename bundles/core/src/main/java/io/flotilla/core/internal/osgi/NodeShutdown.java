package io.flotilla.core.internal.osgi;

import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Stops the whole node, as Karaf does on SIGTERM: the framework, on a thread of its own. */
final class NodeShutdown {

    private static final Logger LOG = LoggerFactory.getLogger(NodeShutdown.class);

    private NodeShutdown() {
    }

    /**
     * Stops the framework from a thread of its own: stopping it deactivates the component that asks,
     * which must not wait for itself. The thread ends with the framework.
     */
    static void stopFramework(BundleContext context, String why) {
        Thread shutdown = new Thread(() -> {
            try {
                context.getBundle(0).stop();
            } catch (BundleException | IllegalStateException e) {
                LOG.error("{} could not shut the node down", why, e);
            }
        }, "flotilla-stop-node");
        shutdown.start();
    }
}
