package io.flotilla.mqtt.internal;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import javax.net.SocketFactory;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection settings as they apply, from {@code io.flotilla.mqtt} (whose shipped file takes
 * {@code FLOTILLA_BROKER}, {@code AGENTFLOW_BROKER} and {@code FLOTILLA_BROKER_PORT} through Karaf's
 * placeholders). Its {@link #toString()} never shows a password.
 */
record MqttSettings(List<String> serverUris, String clientId, String username, char[] password, int keepAlive,
        int connectTimeout, Duration reconnectMin, Duration reconnectMax, String topicPrefix, int maxInflight,
        int offlineBuffer, int maxTaskBytes, int maxMessageBytes, int maxTransferBytes, TlsSetup tls,
        Incarnations incarnations) {

    private static final Logger LOG = LoggerFactory.getLogger(MqttSettings.class);

    /**
     * {@link #from}, saying in one line why settings the node cannot join with are refused (it never
     * runs on without the fleet unnoticed), and warning of a certificate near its end.
     */
    static MqttSettings checked(MqttConfig config, String nodeName, Path dataDirectory) {
        MqttSettings settings;
        try {
            settings = from(config, nodeName, dataDirectory.resolve("incarnation"));
        } catch (IllegalArgumentException e) {
            LOG.error("Node {} cannot join the fleet: {} (io.flotilla.mqtt.cfg)", nodeName, e.getMessage());
            throw e;
        }
        String warning = settings.tls() == null ? null : settings.tls().expiryWarning(Clock.systemUTC().instant());
        if (warning != null) {
            LOG.warn("{}", warning);
        }
        return settings;
    }

    /** The settings, with incarnations kept in memory only. */
    static MqttSettings from(MqttConfig config, String nodeName) {
        return from(config, nodeName, null);
    }

    /** The settings, with the node's incarnations kept in {@code incarnationFile} (null: in memory). */
    static MqttSettings from(MqttConfig config, String nodeName, Path incarnationFile) {
        // No broker named: this node's own embedded one, over TLS when the node has an identity (the
        // embedded broker then takes the same identity and requires TLS).
        String broker = firstNonBlank(config.broker_url(), config.tls_keystore().isBlank() ? "127.0.0.1" : "ssl://127.0.0.1");
        int port = config.broker_port();
        List<String> uris = BrokerAddress.parse(broker, port);
        // TLS is set up, and checked, only for a broker it is for: a node on a plain broker ignores tls.*.
        TlsSetup tls = uris.stream().anyMatch(uri -> uri.startsWith("ssl://")) ? TlsSetup.from(config, Clock.systemUTC()) : null;
        String clientId = config.client_id().isBlank() ? "flotilla-" + nodeName : config.client_id().trim();
        return new MqttSettings(uris, clientId, blankToNull(config.username()),
                config.password().isEmpty() ? null : config.password().toCharArray(), config.keepalive(),
                config.connect_timeout(), seconds(config.reconnect_min()), seconds(config.reconnect_max()),
                config.topic_prefix().trim(), config.max_inflight(), config.offline_buffer(), config.max_task_bytes(),
                config.max_message_bytes(), config.max_transfer_bytes(), tls,
                new Incarnations(incarnationFile, Clock.systemUTC()));
    }

    /** The broker(s), for logs and heartbeats: no credentials are ever part of them. */
    String broker() {
        return String.join(",", serverUris);
    }

    /**
     * TCP_NODELAY sockets that drop messages over their topic's limit as they arrive, telling
     * {@code inbound}; for ssl:// brokers, TLS with the configured trust and key stores.
     */
    SocketFactory socketFactory(InboundLimits inbound) {
        return tls == null ? NoDelaySocketFactory.guarded(inbound)
                : NoDelaySocketFactory.tls(tls.context().getSocketFactory(), inbound);
    }

    private static String firstNonBlank(String... values) {
        for (String value : values) {
            if (value != null && !value.isBlank()) {
                return value.trim();
            }
        }
        return null;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static Duration seconds(double value) {
        return Duration.ofMillis(Math.max(1, Math.round(value * 1000)));
    }

    @Override
    public String toString() {
        return "MqttSettings[broker=" + broker() + ", clientId=" + clientId + ", username=" + username
                + ", password=" + (password == null ? "none" : "****") + ", keepAlive=" + keepAlive
                + ", topicPrefix='" + topicPrefix + "']";
    }
}
