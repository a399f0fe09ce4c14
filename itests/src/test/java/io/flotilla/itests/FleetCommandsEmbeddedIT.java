package io.flotilla.itests;

import org.junit.BeforeClass;

import io.flotilla.itests.process.Fleet;

/** The protocol through the broker the first node hosts. */
public class FleetCommandsEmbeddedIT extends FleetCommandTests {

    @BeforeClass
    public static void start() throws Exception {
        startFleet(Fleet.BrokerKind.EMBEDDED);
    }
}
