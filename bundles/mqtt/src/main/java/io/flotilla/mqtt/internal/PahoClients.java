package io.flotilla.mqtt.internal;

import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What the connection needs of a Paho client beyond its API: ending one, and saying what went wrong. */
final class PahoClients {

    private static final Logger LOG = LoggerFactory.getLogger(PahoClients.class);

    private PahoClients() {
    }

    /** Ends a client that is done with: its connection closed, its threads stopped. */
    static void retire(MqttAsyncClient old) {
        if (old == null) {
            return;
        }
        try {
            old.disconnectForcibly(0, 100, false);
        } catch (MqttException | RuntimeException e) {
            LOG.debug("Disconnecting a finished MQTT client: {}", e.getMessage());
        }
        try {
            old.close(true);
        } catch (MqttException | RuntimeException e) {
            LOG.debug("Closing a finished MQTT client: {}", e.getMessage());
        }
    }

    /** The innermost cause's message, or Paho's message and reason code. */
    static String describe(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String message = cause.getMessage();
        if (failure instanceof MqttException mqtt && cause == failure) {
            return mqtt.getMessage() + " (reason " + mqtt.getReasonCode() + ")";
        }
        return message == null ? cause.getClass().getSimpleName() : message;
    }
}
