package io.flotilla.mqtt.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The TLS side of the node's connection, from {@code tls.*} of {@code io.flotilla.mqtt.cfg}: whom it
 * trusts (the fleet CA's certificate as PEM, as {@code bin/flotilla ca init} writes it, or a trust
 * store) and who it is (a PKCS#12 key store, as {@code bin/flotilla cert issue} writes it, its
 * password inline, in a file, or in {@code NAME.pass} beside it). Every problem is an
 * {@link IllegalArgumentException} that says which setting is wrong and why, never what a password
 * is: the node refuses to join rather than run on without the fleet.
 */
final class TlsSetup {

    /** A certificate closer to its end than this is warned about, in the log and the heartbeat. */
    static final Duration EXPIRY_WARNING = Duration.ofDays(30);

    private final SSLContext context;
    private final X509Certificate identity;

    private TlsSetup(SSLContext context, X509Certificate identity) {
        this.context = context;
        this.identity = identity;
    }

    /** The TLS context the settings describe, checked now, at {@code clock}'s time. */
    static TlsSetup from(MqttConfig config, Clock clock) {
        try {
            KeyStore trust = trustStore(config.tls_truststore().trim(), config.tls_truststore_password());
            TrustManagerFactory trustManagers = null;
            if (trust != null) {
                trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                trustManagers.init(trust);
            }
            KeyManagerFactory keys = null;
            X509Certificate certificate = null;
            String keystore = config.tls_keystore().trim();
            if (!keystore.isEmpty()) {
                char[] password = identityPassword(keystore, config);
                KeyStore identity = identityStore(keystore, password);
                certificate = identityCertificate(keystore, identity, clock);
                keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keys.init(identity, password);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys == null ? null : keys.getKeyManagers(),
                    trustManagers == null ? null : trustManagers.getTrustManagers(), null);
            return new TlsSetup(context, certificate);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("TLS cannot be set up: " + e.getMessage(), e);
        }
    }

    SSLContext context() {
        return context;
    }

    /** The node's own certificate, when it has one. */
    X509Certificate identity() {
        return identity;
    }

    /** The node's certificate, for its heartbeat: subject, end of validity, and a warning near it. */
    Map<String, Object> describe(Instant now) {
        if (identity == null) {
            return Map.of();
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("subject", identity.getSubjectX500Principal().getName());
        fields.put("expires", Wire.seconds(identity.getNotAfter().toInstant()));
        String warning = expiryWarning(now);
        if (warning != null) {
            fields.put("warning", warning);
        }
        return fields;
    }

    /** Why the node's certificate deserves a warning at {@code now}, or null. */
    String expiryWarning(Instant now) {
        if (identity == null) {
            return null;
        }
        Instant end = identity.getNotAfter().toInstant();
        long days = Duration.between(now, end).toDays();
        return end.isBefore(now.plus(EXPIRY_WARNING)) ? "the node's certificate (" + identity.getSubjectX500Principal()
                + ") expires on " + end + ", in " + days + " days: issue a new one" : null;
    }

    static KeyStore trustStore(String file, String password) throws GeneralSecurityException {
        if (file.isEmpty()) {
            return null; // the JDK's own trusted CAs
        }
        byte[] bytes = read("tls.truststore", file);
        KeyStore store;
        if (new String(bytes, 0, Math.min(bytes.length, 64), StandardCharsets.US_ASCII).contains("-----BEGIN")) {
            Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new java.io.ByteArrayInputStream(bytes));
            store = KeyStore.getInstance("PKCS12");
            load(store, null, null, "tls.truststore", file);
            int i = 0;
            for (Certificate certificate : certificates) {
                store.setCertificateEntry("trusted-" + i++, certificate);
            }
        } else {
            store = KeyStore.getInstance(file.endsWith(".jks") ? "JKS" : "PKCS12");
            load(store, bytes, password.toCharArray(), "tls.truststore", file);
        }
        if (Collections.list(store.aliases()).stream().noneMatch(alias -> isCertificateEntry(store, alias))) {
            throw new IllegalArgumentException("tls.truststore " + file + " holds no certificate to trust (a PKCS12 file made "
                    + "with openssl pkcs12 -nokeys holds none that Java reads): give the fleet CA's PEM file, ca.crt");
        }
        return store;
    }

    static char[] identityPassword(String keystore, MqttConfig config) {
        if (!config.tls_keystore_password().isEmpty()) {
            return config.tls_keystore_password().toCharArray();
        }
        String named = config.tls_keystore_password_file().trim();
        Path file = !named.isEmpty() ? Path.of(named) : Path.of(keystore.replaceFirst("\\.(p12|pfx|jks)$", "") + ".pass");
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no password for tls.keystore " + keystore + ": set tls.keystore.password, "
                    + "or tls.keystore.password.file, or put it in " + file);
        }
        return new String(read("tls.keystore.password.file", file.toString()), StandardCharsets.UTF_8).trim().toCharArray();
    }

    static KeyStore identityStore(String file, char[] password) throws GeneralSecurityException {
        KeyStore store = KeyStore.getInstance(file.endsWith(".jks") ? "JKS" : "PKCS12");
        load(store, read("tls.keystore", file), password, "tls.keystore", file);
        return store;
    }

    static X509Certificate identityCertificate(String file, KeyStore store, Clock clock)
            throws GeneralSecurityException {
        for (String alias : Collections.list(store.aliases())) {
            if (store.isKeyEntry(alias) && store.getCertificate(alias) instanceof X509Certificate certificate) {
                Instant end = certificate.getNotAfter().toInstant();
                if (end.isBefore(clock.instant())) {
                    throw new IllegalArgumentException("the certificate in tls.keystore " + file + " ("
                            + certificate.getSubjectX500Principal() + ") expired on " + end + ": issue a new one");
                }
                return certificate;
            }
        }
        throw new IllegalArgumentException("tls.keystore " + file + " holds no private key with its certificate");
    }

    private static void load(KeyStore store, byte[] bytes, char[] password, String setting, String file)
            throws GeneralSecurityException {
        try (InputStream in = bytes == null ? null : new java.io.ByteArrayInputStream(bytes)) {
            store.load(in, password);
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException || String.valueOf(e.getMessage()).contains("password")) {
                throw new IllegalArgumentException("the password of " + setting + " " + file + " is wrong");
            }
            throw new IllegalArgumentException(setting + " " + file + " is not a " + store.getType() + " key store: "
                    + e.getMessage());
        }
    }

    private static byte[] read(String setting, String file) {
        Path path = Path.of(file);
        if (!Files.isRegularFile(path)) {
            throw new IllegalArgumentException(setting + " " + file + " does not exist");
        }
        try {
            return Files.readAllBytes(path);
        } catch (IOException e) {
            throw new IllegalArgumentException(setting + " " + file + " cannot be read: " + e.getMessage());
        }
    }

    private static boolean isCertificateEntry(KeyStore store, String alias) {
        try {
            return store.isCertificateEntry(alias);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
