package io.flotilla.mqtt.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;

import javax.net.SocketFactory;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The connection settings as they apply, from {@code io.flotilla.mqtt} (whose shipped file takes
 * {@code FLOTILLA_BROKER}, {@code AGENTFLOW_BROKER} and {@code FLOTILLA_BROKER_PORT} through Karaf's
 * placeholders). Its {@link #toString()} never shows a password.
 */
record MqttSettings(List<String> serverUris, String clientId, String username, char[] password, int keepAlive,
        int connectTimeout, Duration reconnectMin, Duration reconnectMax, String topicPrefix, int maxInflight,
        int offlineBuffer, int maxTaskBytes, int maxMessageBytes, int maxTransferBytes, MqttConfig tlsSource) {

    static MqttSettings from(MqttConfig config, String nodeName) {
        String broker = firstNonBlank(config.broker_url(), "127.0.0.1");
        int port = config.broker_port();
        String clientId = config.client_id().isBlank() ? "flotilla-" + nodeName : config.client_id().trim();
        return new MqttSettings(BrokerAddress.parse(broker, port), clientId, blankToNull(config.username()),
                config.password().isEmpty() ? null : config.password().toCharArray(), config.keepalive(),
                config.connect_timeout(), seconds(config.reconnect_min()), seconds(config.reconnect_max()),
                config.topic_prefix().trim(), config.max_inflight(), config.offline_buffer(), config.max_task_bytes(),
                config.max_message_bytes(), config.max_transfer_bytes(), config);
    }

    /** The broker(s), for logs and heartbeats: no credentials are ever part of them. */
    String broker() {
        return String.join(",", serverUris);
    }

    /**
     * TCP_NODELAY sockets that drop messages over their topic's limit as they arrive, telling
     * {@code inbound}; for ssl:// brokers, TLS with the configured trust and key stores.
     */
    SocketFactory socketFactory(InboundLimits inbound) throws GeneralSecurityException, IOException {
        boolean tls = serverUris.stream().anyMatch(uri -> uri.startsWith("ssl://"));
        if (!tls) {
            return NoDelaySocketFactory.guarded(inbound);
        }
        TrustManagerFactory trust = null;
        if (!tlsSource.tls_truststore().isBlank()) {
            trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(load(tlsSource.tls_truststore(), tlsSource.tls_truststore_password()));
        }
        KeyManagerFactory keys = null;
        if (!tlsSource.tls_keystore().isBlank()) {
            keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(load(tlsSource.tls_keystore(), tlsSource.tls_keystore_password()),
                    tlsSource.tls_keystore_password().toCharArray());
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys == null ? null : keys.getKeyManagers(), trust == null ? null : trust.getTrustManagers(), null);
        return NoDelaySocketFactory.tls(context.getSocketFactory(), inbound);
    }

    private static KeyStore load(String file, String password) throws GeneralSecurityException, IOException {
        Path path = Path.of(file);
        String type = file.endsWith(".jks") ? "JKS" : "PKCS12";
        KeyStore store = KeyStore.getInstance(type);
        try (InputStream in = Files.newInputStream(path)) {
            store.load(in, password.toCharArray());
        }
        return store;
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
