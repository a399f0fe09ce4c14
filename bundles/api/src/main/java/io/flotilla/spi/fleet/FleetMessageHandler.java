package io.flotilla.spi.fleet;

import org.osgi.annotation.versioning.ConsumerType;

/** Receives messages of a {@link FleetLink} subscription. Must not block. */
@ConsumerType
@FunctionalInterface
public interface FleetMessageHandler {

    void onMessage(String topic, byte[] payload, boolean retained);
}
