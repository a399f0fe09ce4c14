package io.flotilla.core.internal.osgi;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Ctrl-C (SIGINT) on a node in the foreground stops it as SIGTERM does: Karaf stops the framework on
 * SIGTERM, and the agents stop, the node says it goes offline, and its state is saved; on SIGINT it
 * leaves that to the JVM, which exits at once, and the fleet gets the node's Last Will. A node with
 * Karaf's local console is left alone: there, Ctrl-C interrupts the command that runs.
 */
@Component(immediate = true)
public final class InterruptStopsTheNode {

    private static final Logger LOG = LoggerFactory.getLogger(InterruptStopsTheNode.class);
    private static final Signal INTERRUPT = new Signal("INT");

    private final SignalHandler previous;

    @Activate
    public InterruptStopsTheNode(BundleContext context) {
        if (Boolean.parseBoolean(context.getProperty("karaf.startLocalConsole"))) {
            previous = null;
            return;
        }
        previous = Signal.handle(INTERRUPT, signal -> {
            LOG.info("Interrupted (SIGINT): stopping the node");
            NodeShutdown.stopFramework(context, "SIGINT");
        });
    }

    @Deactivate
    void deactivate() {
        if (previous != null) {
            Signal.handle(INTERRUPT, previous);
        }
    }
}
