package io.flotilla.mqtt.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.flotilla.core.testing.ShippedConfiguration;
import io.flotilla.mqtt.testing.Configs;

class MqttSettingsTest {

    private static MqttSettings settings(Map<String, Object> config) {
        return MqttSettings.from(Configs.of(MqttConfig.class, config), "rpi-kitchen");
    }

    /** The settings a node gets from the shipped {@code etc/io.flotilla.mqtt.cfg}, in this environment. */
    private static MqttSettings shipped(Map<String, String> environment) {
        return MqttSettings.from(Configs.fromProperties(MqttConfig.class,
                ShippedConfiguration.load(MqttConfig.PID, environment)), "rpi-kitchen");
    }

    @Test
    void withNothingConfiguredTheNodeUsesTheEmbeddedBrokerOnLoopback() {
        for (MqttSettings settings : List.of(settings(Map.of()), shipped(Map.of()))) {
            assertEquals(List.of("tcp://127.0.0.1:1883"), settings.serverUris());
            assertEquals("flotilla-rpi-kitchen", settings.clientId());
        }
    }

    @Test
    void theEnvironmentWinsOverTheShippedConfiguration() {
        assertEquals(List.of("tcp://10.0.0.9:1883"), shipped(Map.of("FLOTILLA_BROKER", "10.0.0.9",
                "AGENTFLOW_BROKER", "legacy")).serverUris());
        assertEquals(List.of("tcp://legacy:1883"), shipped(Map.of("AGENTFLOW_BROKER", "legacy")).serverUris());
        assertEquals(List.of("tcp://127.0.0.1:2883"), shipped(Map.of("FLOTILLA_BROKER_PORT", "2883")).serverUris());
    }

    @Test
    void thePasswordNeverAppearsInTheSettingsText() {
        MqttSettings settings = settings(Map.of("username", "node", "password", "s3cret-pw"));
        assertFalse(settings.toString().contains("s3cret-pw"), settings.toString());
        assertTrue(settings.toString().contains("password=****"));
        assertFalse(settings.broker().contains("s3cret-pw"));
    }
}
