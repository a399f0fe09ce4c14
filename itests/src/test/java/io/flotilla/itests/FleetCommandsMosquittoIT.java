package io.flotilla.itests;

import static org.junit.Assume.assumeTrue;

import org.junit.BeforeClass;

import io.flotilla.itests.process.Fleet;
import io.flotilla.mqtt.testing.MosquittoBroker;

/** The protocol through a real Mosquitto. */
public class FleetCommandsMosquittoIT extends FleetCommandTests {

    @BeforeClass
    public static void start() throws Exception {
        assumeTrue("mosquitto is not installed (apt-get install mosquitto)", MosquittoBroker.require());
        startFleet(Fleet.BrokerKind.MOSQUITTO);
    }
}
