package io.flotilla.itests.tls;

import static org.junit.Assert.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import javax.net.ssl.SSLSocketFactory;

import io.flotilla.itests.process.Installation;
import io.flotilla.pki.FleetTls;

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
        return FleetTls.context(p12, caDirectory.resolve("ca.crt")).getSocketFactory();
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
