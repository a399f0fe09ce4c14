package io.flotilla.itests;

import static org.junit.Assume.assumeTrue;

import org.junit.Before;

import io.flotilla.itests.process.Fleet;
import io.flotilla.mqtt.testing.MosquittoBroker;

/** Resilience through a real Mosquitto. */
public class FleetResilienceMosquittoIT extends FleetResilienceTests {

    @Before
    public void requireMosquitto() {
        assumeTrue("mosquitto is not installed (apt-get install mosquitto)", MosquittoBroker.require());
    }

    @Override
    protected Fleet.BrokerKind broker() {
        return Fleet.BrokerKind.MOSQUITTO;
    }
}
