package io.flotilla.broker.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

import org.apache.activemq.artemis.core.remoting.impl.netty.TransportConstants;

/**
 * The embedded broker's TLS, from {@code tls.*} of {@code io.flotilla.broker.cfg}: its own
 * certificate (a PKCS#12 key store, as {@code bin/flotilla cert issue NAME --server HOST} writes it)
 * and the fleet CA whose certificates every client must present (PEM, {@code ca.crt}). Artemis reads
 * trust stores from files, so the CA goes into a PKCS#12 file of the broker's data directory, owner
 * only, with a password made for each start. Every problem is an {@link IllegalArgumentException}
 * naming the setting, never a password.
 */
final class BrokerTls {

    private BrokerTls() {
    }

    /** The acceptor parameters of a TLS listener that requires a client certificate of the fleet CA. */
    static Map<String, Object> acceptorParameters(BrokerConfig config, Path dataDirectory) {
        String keystore = config.tls_keystore().trim();
        String truststore = config.tls_truststore().trim();
        if (truststore.isEmpty()) {
            throw new IllegalArgumentException("tls.truststore is empty: name the fleet CA (ca.crt) whose certificates "
                    + "clients must present");
        }
        char[] password = password(keystore, config);
        open(Path.of(keystore), password);
        char[] trustPassword = randomPassword();
        Path trust = dataDirectory.resolve("tls").resolve("clients-ca.p12");
        writeTrustStore(Path.of(truststore), trust, trustPassword);
        Map<String, Object> parameters = new HashMap<>();
        parameters.put(TransportConstants.SSL_ENABLED_PROP_NAME, true);
        parameters.put(TransportConstants.KEYSTORE_PATH_PROP_NAME, keystore);
        parameters.put(TransportConstants.KEYSTORE_PASSWORD_PROP_NAME, new String(password));
        parameters.put(TransportConstants.KEYSTORE_TYPE_PROP_NAME, keystore.endsWith(".jks") ? "JKS" : "PKCS12");
        parameters.put(TransportConstants.TRUSTSTORE_PATH_PROP_NAME, trust.toString());
        parameters.put(TransportConstants.TRUSTSTORE_PASSWORD_PROP_NAME, new String(trustPassword));
        parameters.put(TransportConstants.TRUSTSTORE_TYPE_PROP_NAME, "PKCS12");
        parameters.put(TransportConstants.NEED_CLIENT_AUTH_PROP_NAME, true);
        return parameters;
    }

    private static char[] password(String keystore, BrokerConfig config) {
        if (keystore.isEmpty()) {
            throw new IllegalArgumentException("tls.keystore is empty");
        }
        if (!config.tls_keystore_password().isEmpty()) {
            return config.tls_keystore_password().toCharArray();
        }
        String named = config.tls_keystore_password_file().trim();
        Path file = !named.isEmpty() ? Path.of(named) : Path.of(keystore.replaceFirst("\\.(p12|pfx|jks)$", "") + ".pass");
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no password for tls.keystore " + keystore + ": set tls.keystore.password, "
                    + "or tls.keystore.password.file, or put it in " + file);
        }
        try {
            return Files.readString(file, StandardCharsets.UTF_8).trim().toCharArray();
        } catch (IOException e) {
            throw new IllegalArgumentException("tls.keystore.password.file " + file + " cannot be read: " + e.getMessage());
        }
    }

    /** Opens the broker's key store now, so that a wrong password is said at start, not at the first handshake. */
    private static void open(Path keystore, char[] password) {
        try {
            KeyStore store = KeyStore.getInstance(keystore.toString().endsWith(".jks") ? "JKS" : "PKCS12");
            store.load(new ByteArrayInputStream(Files.readAllBytes(keystore)), password);
            if (Collections.list(store.aliases()).stream().noneMatch(alias -> isKey(store, alias))) {
                throw new IllegalArgumentException("tls.keystore " + keystore + " holds no private key with its certificate");
            }
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException || String.valueOf(e.getMessage()).contains("password")) {
                throw new IllegalArgumentException("the password of tls.keystore " + keystore + " is wrong");
            }
            throw new IllegalArgumentException("tls.keystore " + keystore + " cannot be read: " + e.getMessage());
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("tls.keystore " + keystore + " cannot be read: " + e.getMessage());
        }
    }

    private static void writeTrustStore(Path pem, Path target, char[] password) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            int i = 0;
            for (Certificate ca : java.security.cert.CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(Files.readAllBytes(pem)))) {
                store.setCertificateEntry("fleet-ca-" + i++, ca);
            }
            if (i == 0) {
                throw new IllegalArgumentException("tls.truststore " + pem + " holds no PEM certificate");
            }
            Files.createDirectories(target.getParent());
            Files.deleteIfExists(target);
            Files.createFile(target, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (OutputStream out = Files.newOutputStream(target)) {
                store.store(out, password);
            }
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("tls.truststore " + pem + " cannot be used: " + e.getMessage());
        }
    }

    private static boolean isKey(KeyStore store, String alias) {
        try {
            return store.isKeyEntry(alias);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static char[] randomPassword() {
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(random).toCharArray();
    }
}
