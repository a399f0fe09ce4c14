package io.flotilla.migration.internal;

import java.time.Duration;

/** How this node moves agents and takes them in ({@code io.flotilla.migration}), for this bundle's components. */
public interface MigrationPolicy {

    /** How long the node an agent leaves waits for the target to confirm that it runs there. */
    Duration confirmTimeout();

    /** How long to wait for the handoff marker to come back through the broker. */
    Duration cutoverTimeout();

    /** Whether bundles another node sends are installed when their location cannot be used here. */
    boolean acceptCode();

    /** How long to wait for those bytes. */
    Duration codeTimeout();

    /** The largest migration message accepted, in bytes. */
    int maxBytes();
}
