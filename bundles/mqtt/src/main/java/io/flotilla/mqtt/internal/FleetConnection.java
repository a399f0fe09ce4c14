package io.flotilla.mqtt.internal;

import java.util.Map;

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

    /**
     * The node's TLS identity, for its heartbeat: {@code subject}, {@code expires} and, within 30 days
     * of that, {@code warning}; empty without one.
     */
    default Map<String, Object> identity() {
        return Map.of();
    }
}
