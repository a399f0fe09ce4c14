package io.flotilla.core.internal.signing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;

import org.junit.jupiter.api.Test;

class BrokerReachTest {

    @Test
    void brokersOnLoopbackAreNotReachable() {
        assertEquals(Optional.empty(), BrokerReach.reachableAddress("", "127.0.0.1"));
        assertEquals(Optional.empty(), BrokerReach.reachableAddress("tcp://127.0.0.1:1883, localhost:1884", "0.0.0.0"));
        assertEquals(Optional.empty(), BrokerReach.reachableAddress("ssl://[::1]:8883", ""));
        assertEquals(Optional.empty(), BrokerReach.reachableAddress("ssl://user@127.0.0.2:8883", ""));
    }

    @Test
    void anyOtherAddressOrNameIsReachable() {
        assertEquals(Optional.of("0.0.0.0"), BrokerReach.reachableAddress("", "0.0.0.0"));
        assertEquals(Optional.of("tcp://10.0.0.5:1883"), BrokerReach.reachableAddress("127.0.0.1,tcp://10.0.0.5:1883", ""));
        assertEquals(Optional.of("broker.local"), BrokerReach.reachableAddress("broker.local", "127.0.0.1"));
        assertEquals(Optional.of("ssl://localhost.example.com:8883"),
                BrokerReach.reachableAddress("ssl://localhost.example.com:8883", ""));
        assertEquals(Optional.of("128.0.0.1"), BrokerReach.reachableAddress("128.0.0.1", ""));
    }
}
