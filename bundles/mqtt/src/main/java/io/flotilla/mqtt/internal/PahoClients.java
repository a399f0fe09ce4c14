package io.flotilla.mqtt.internal;

import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;

import javax.net.ssl.SSLException;

import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.flotilla.util.MqttTopics;

/** What the connection needs of a Paho client beyond its API: topics it takes, ending one, saying what went wrong. */
final class PahoClients {

    private static final Logger LOG = LoggerFactory.getLogger(PahoClients.class);

    private PahoClients() {
    }

    /**
     * A topic that Paho or the broker would refuse (a NUL, a wildcard) is dropped here, never queued:
     * queued, it would be resent after every reconnect, and the broker would cut the node off each time.
     */
    static boolean publishable(String topic) {
        String problem = MqttTopics.publishProblem(topic);
        if (problem != null) {
            LOG.warn("Not publishing to a topic that {}: {}", problem, MqttTopics.printable(topic));
        }
        return problem == null;
    }

    /** Publishes at QoS 0 on {@code client}, if there is one (connected): a message that cannot go is dropped. */
    static void publishAtMostOnce(MqttAsyncClient client, String topic, byte[] payload) {
        if (client == null) {
            LOG.debug("Not connected: the message to {} is dropped", topic);
            return;
        }
        MqttMessage message = new MqttMessage(payload);
        message.setQos(0);
        try {
            client.publish(topic, message);
        } catch (MqttException | IllegalArgumentException e) {
            LOG.debug("The message to {} is dropped: {}", topic, describe(e));
        }
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

    /**
     * What went wrong, for the log: for TLS, which side refused whom and why; else the innermost
     * cause's message, or Paho's message and reason code.
     */
    static String describe(Throwable failure) {
        String tls = describeTls(failure);
        if (tls != null) {
            return tls;
        }
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

    /** A TLS failure in words an operator acts on, or null when {@code failure} is none. */
    static String describeTls(Throwable failure) {
        for (Throwable cause = failure; cause != null && cause.getCause() != cause; cause = cause.getCause()) {
            String message = String.valueOf(cause.getMessage());
            if (cause instanceof CertificateExpiredException) {
                return "TLS: the broker's certificate has expired (" + message + ")";
            }
            if (cause instanceof CertPathBuilderException || cause instanceof CertPathValidatorException
                    || message.contains("unable to find valid certification path")) {
                return "TLS: the broker's certificate is not signed by a CA of tls.truststore (" + message + ")";
            }
            if (message.contains("No subject alternative") || message.contains("No name matching")) {
                return "TLS: the broker's certificate does not name the host this node connects to (" + message + ")";
            }
            if (cause instanceof SSLException && message.contains("certificate_required")) {
                return "TLS: the broker wants a certificate from this node: set tls.keystore (bin/flotilla --identity)";
            }
            if (cause instanceof SSLException && (message.contains("bad_certificate") || message.contains("unknown_ca")
                    || message.contains("certificate_expired") || message.contains("certificate_revoked")
                    || message.contains("certificate_unknown"))) {
                return "TLS: the broker refused this node's certificate (" + message + ")";
            }
        }
        return null;
    }
}
