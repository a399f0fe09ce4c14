package io.flotilla.broker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.flotilla.core.testing.ShippedConfiguration;

/** What the shipped {@code etc/io.flotilla.broker.cfg} gives the embedded broker, from the launcher's environment. */
class ShippedConfigurationTest {

    private static Map<String, String> broker(Map<String, String> environment) {
        return ShippedConfiguration.load(BrokerConfig.PID, environment);
    }

    @Test
    void aNodeToldToJoinABrokerHostsNoneOfItsOwn() {
        assertEquals("10.0.0.9", broker(Map.of("FLOTILLA_BROKER", "10.0.0.9", "AGENTFLOW_BROKER", "legacy")).get("joining"));
        assertEquals("legacy", broker(Map.of("AGENTFLOW_BROKER", "legacy")).get("joining"));
        assertEquals("", broker(Map.of()).get("joining"), "no broker named: the node hosts its own");
    }

    @Test
    void thePortComesFromTheLauncherElseTheDefault() {
        assertEquals("2883", broker(Map.of("FLOTILLA_BROKER_PORT", "2883")).get("port"));
        assertEquals("1883", broker(Map.of()).get("port"));
    }
}
