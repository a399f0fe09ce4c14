package io.flotilla.mqtt.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class BrokerAddressTest {

    @Test
    void aHostAloneGetsTheDefaultPort() {
        assertEquals(List.of("tcp://10.0.0.5:1883"), BrokerAddress.parse("10.0.0.5", 1883));
    }

    @Test
    void hostPortAndSchemesAreUnderstood() {
        assertEquals(List.of("tcp://broker:1884"), BrokerAddress.parse("broker:1884", 1883));
        assertEquals(List.of("tcp://broker:1884"), BrokerAddress.parse("mqtt://broker:1884", 1883));
        assertEquals(List.of("ssl://broker:8883"), BrokerAddress.parse("mqtts://broker:8883", 1883));
        assertEquals(List.of("ssl://broker:1883"), BrokerAddress.parse("ssl://broker", 1883));
        assertEquals(List.of("tcp://[::1]:1883"), BrokerAddress.parse("[::1]", 1883));
    }

    @Test
    void severalBrokersMakeAList() {
        assertEquals(List.of("tcp://a:1883", "tcp://b:1884"), BrokerAddress.parse("a, tcp://b:1884", 1883));
    }

    @Test
    void badAddressesAreRefusedWithTheReason() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BrokerAddress.parse("http://a", 1883))
                .getMessage().contains("use tcp:// (mqtt://) or ssl:// (mqtts://)"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BrokerAddress.parse("a:99999", 1883))
                .getMessage().contains("no valid port"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BrokerAddress.parse("user:secret@a", 1883))
                .getMessage().contains("must not carry credentials"));
        assertThrows(IllegalArgumentException.class, () -> BrokerAddress.parse(" , ", 1883));
    }
}
