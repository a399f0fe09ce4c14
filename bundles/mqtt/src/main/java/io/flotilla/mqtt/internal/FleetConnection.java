package io.flotilla.mqtt.internal;

import io.flotilla.spi.fleet.FleetLink;
import io.flotilla.spi.fleet.FleetTopics;

/** The fleet link as this bundle's components see it: with connection events and the topic layout. */
interface FleetConnection extends FleetLink {

    /** Told of every (re)connect and loss, on the connection's own thread; must not block. */
    interface Listener {
        void connected(long incarnation);

        default void disconnected() {
        }
    }

    /** Adds a listener; when the connection is up, it is told so at once. */
    void addListener(Listener listener);

    void removeListener(Listener listener);

    FleetTopics topics();

    /** Largest task payload accepted, in bytes. */
    int maxTaskBytes();
}
