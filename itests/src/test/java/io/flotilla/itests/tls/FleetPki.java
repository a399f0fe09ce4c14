package io.flotilla.itests.tls;

import static org.junit.Assert.assertEquals;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

import io.flotilla.itests.process.Installation;

/**
 * A fleet's CA and certificates, made through bin/flotilla as docs/security.md has an operator
 * make them, in {@code pki/} beside the installation: {@code ca/} and {@code certs/}.
 */
public final class FleetPki {

    private static final Duration LIMIT = Duration.ofSeconds(60);

    private final Installation installation;
    private final Path root;

    FleetPki(Installation installation) {
        this.installation = installation;
        this.root = installation.root().getParent().resolve("pki");
    }

    Path root() {
        return root;
    }

    Path ca() {
        return root.resolve("ca");
    }

    Path caCertificate() {
        return ca().resolve("ca.crt");
    }

    Path certs() {
        return root.resolve("certs");
    }

    Path p12(String name) {
        return certs().resolve(name + ".p12");
    }

    /** {@code bin/flotilla ARGS}, which must succeed. */
    void run(String... args) throws Exception {
        Installation.Result result = installation.run(LIMIT, args);
        assertEquals(result.output(), 0, result.exitCode());
    }

    void initCa() throws Exception {
        run("ca", "init", "--dir", ca().toString());
    }

    /** {@code bin/flotilla cert issue NAME} from this CA into {@code certs/}, with {@code options}. */
    void issue(String name, String... options) throws Exception {
        List<String> args = new ArrayList<>(List.of("cert", "issue", name, "--ca", ca().toString(), "--out",
                certs().toString()));
        args.addAll(List.of(options));
        run(args.toArray(String[]::new));
    }

    /** The client side of TLS as {@code name} (its .p12 and .pass in certs/), trusting this CA. */
    SSLSocketFactory tls(String name) throws Exception {
        return tls(name == null ? null : p12(name), ca());
    }

    /** The client side of TLS with {@code p12}'s identity (its password in the .pass beside it), trusting the CA of {@code caDirectory}; without {@code p12}, no certificate of its own. */
    public static SSLSocketFactory tls(Path p12, Path caDirectory) throws Exception {
        KeyManagerFactory keys = null;
        if (p12 != null) {
            char[] password = Files.readString(p12.resolveSibling(p12.getFileName().toString().replace(".p12", ".pass")))
                    .trim().toCharArray();
            KeyStore identity = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(p12)) {
                identity.load(in, password);
            }
            keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(identity, password);
        }
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(caDirectory.resolve("ca.crt"))) {
            trust.setCertificateEntry("fleet", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory trusted = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trusted.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys == null ? null : keys.getKeyManagers(), trusted.getTrustManagers(), null);
        return context.getSocketFactory();
    }

    /** Closes what was started, the last first; what is missing was never started. */
    static void closeAll(AutoCloseable... parts) throws Exception {
        for (AutoCloseable part : parts) {
            if (part != null) {
                part.close();
            }
        }
    }
}
