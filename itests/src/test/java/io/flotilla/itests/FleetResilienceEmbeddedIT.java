package io.flotilla.itests;

import io.flotilla.itests.process.Fleet;

/** Resilience through the broker the first node hosts: restarting the broker restarts that node. */
public class FleetResilienceEmbeddedIT extends FleetResilienceTests {

    @Override
    protected Fleet.BrokerKind broker() {
        return Fleet.BrokerKind.EMBEDDED;
    }
}
