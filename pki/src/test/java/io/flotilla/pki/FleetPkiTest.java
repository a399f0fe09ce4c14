package io.flotilla.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bin/flotilla ca init and cert issue, as an operator runs them, and what Java makes of their files. */
class FleetPkiTest {

    @TempDir
    Path root;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int flotilla(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true,
                StandardCharsets.UTF_8), Clock.systemUTC());
    }

    private String errors() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private static String permissions(Path file) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
    }

    @Test
    void aNodeCertificateChainsToTheFleetCaAndItsSecretsAreTheOwnersAlone() throws Exception {
        Path ca = root.resolve("ca");
        Path out = root.resolve("certs");
        assertEquals(0, flotilla("ca", "init", "--dir", ca.toString()), errors());
        assertEquals(0, flotilla("cert", "issue", "rpi-kitchen", "--ca", ca.toString(), "--out", out.toString()), errors());

        assertEquals("rw-------", permissions(ca.resolve("ca.key")));
        assertEquals("rwx------", permissions(ca));
        for (String secret : List.of("rpi-kitchen.key", "rpi-kitchen.p12", "rpi-kitchen.pass")) {
            assertEquals("rw-------", permissions(out.resolve(secret)), secret);
        }
        KeyStore identity = KeyStore.getInstance("PKCS12");
        char[] password = Files.readString(out.resolve("rpi-kitchen.pass")).trim().toCharArray();
        try (InputStream in = Files.newInputStream(out.resolve("rpi-kitchen.p12"))) {
            identity.load(in, password);
        }
        X509Certificate node = (X509Certificate) identity.getCertificate("rpi-kitchen");
        assertEquals("CN=rpi-kitchen,OU=node,O=Flotilla", node.getSubjectX500Principal().getName());
        assertTrue(node.getExtendedKeyUsage().contains("1.3.6.1.5.5.7.3.2"), "for TLS clients");
        X509Certificate root = caCertificate(ca);
        PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
        parameters.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509")
                .generateCertPath(List.of(node)), parameters);
        assertTrue(Files.readString(out.resolve("rpi-kitchen.key")).startsWith("-----BEGIN PRIVATE KEY-----"));
        assertTrue(out.toString().length() > 0);
        assertTrue(!this.out.toString(StandardCharsets.UTF_8).contains(new String(password)), "the password is never printed");
    }

    @Test
    void aBrokerAndANodeShakeHandsWithMutualTlsAndAStrangersCertificateIsRefused() throws Exception {
        Path ca = root.resolve("ca");
        Path certs = root.resolve("certs");
        flotilla("ca", "init", "--dir", ca.toString());
        flotilla("cert", "issue", "broker", "--ca", ca.toString(), "--out", certs.toString(), "--server", "127.0.0.1",
                "--server", "localhost", "--password", "broker-pass");
        flotilla("cert", "issue", "alpha", "--ca", ca.toString(), "--out", certs.toString(), "--password", "alpha-pass");
        Path other = root.resolve("other-ca");
        flotilla("ca", "init", "--dir", other.toString(), "--fleet", "elsewhere");
        flotilla("cert", "issue", "mallory", "--ca", other.toString(), "--out", certs.toString(), "--password", "m-pass");
        assertEquals("", errors());

        SSLContext server = context(certs.resolve("broker.p12"), "broker-pass", caCertificate(ca));
        try (SSLServerSocket listener = (SSLServerSocket) server.getServerSocketFactory().createServerSocket(0, 5,
                InetAddress.getLoopbackAddress())) {
            listener.setNeedClientAuth(true);
            CompletableFuture<String> accepted = CompletableFuture.supplyAsync(() -> {
                try (SSLSocket socket = (SSLSocket) listener.accept()) {
                    socket.startHandshake();
                    return socket.getSession().getPeerPrincipal().getName();
                } catch (IOException e) {
                    return "refused: " + e.getMessage();
                }
            });
            handshake(context(certs.resolve("alpha.p12"), "alpha-pass", caCertificate(ca)), listener.getLocalPort());
            assertEquals("CN=alpha,OU=node,O=Flotilla", accepted.join());

            CompletableFuture<String> refused = CompletableFuture.supplyAsync(() -> {
                try (SSLSocket socket = (SSLSocket) listener.accept()) {
                    socket.startHandshake();
                    return "accepted";
                } catch (IOException e) {
                    return "refused";
                }
            });
            assertThrows(IOException.class, () -> {
                handshake(context(certs.resolve("mallory.p12"), "m-pass", caCertificate(ca)), listener.getLocalPort());
            });
            assertEquals("refused", refused.join());
        }
    }

    @Test
    void nothingIsEverOverwrittenAndBadInputGetsAClearReason() throws Exception {
        Path ca = root.resolve("ca");
        assertEquals(0, flotilla("ca", "init", "--dir", ca.toString()));
        String first = Files.readString(ca.resolve("ca.key"));

        assertEquals(2, flotilla("ca", "init", "--dir", ca.toString()));
        assertTrue(errors().contains("holds a CA already"), errors());
        assertEquals(first, Files.readString(ca.resolve("ca.key")), "the CA's key is untouched");

        assertEquals(2, flotilla("cert", "issue", "../etc", "--ca", ca.toString(), "--out", root.toString()));
        assertTrue(errors().contains("is no node or operator name"), errors());
        assertEquals(2, flotilla("cert", "issue", "beta", "--ca", root.resolve("nowhere").toString(), "--out",
                root.toString()));
        assertTrue(errors().contains("holds no fleet CA"), errors());
        assertEquals(2, flotilla("cert", "issue", "beta", "--ca", ca.toString(), "--out", root.toString(), "--dayz", "3"));
        assertTrue(errors().contains("takes no --dayz"), errors());
        assertEquals(0, flotilla("cert", "issue", "beta", "--ca", ca.toString(), "--out", root.toString()));
        assertEquals(2, flotilla("cert", "issue", "beta", "--ca", ca.toString(), "--out", root.toString()));
        assertTrue(errors().contains("exists already"), errors());
    }

    @Test
    void theLaunchersIdentityCheckNamesEachProblemWithoutThePassword() throws Exception {
        Path ca = root.resolve("ca");
        Path certs = root.resolve("certs");
        flotilla("ca", "init", "--dir", ca.toString());
        flotilla("cert", "issue", "alpha", "--ca", ca.toString(), "--out", certs.toString());
        flotilla("cert", "issue", "soon", "--ca", ca.toString(), "--out", certs.toString(), "--days", "10");
        Path other = root.resolve("other");
        flotilla("ca", "init", "--dir", other.toString());
        flotilla("cert", "issue", "stranger", "--ca", other.toString(), "--out", certs.toString());
        FleetCa fleet = FleetCa.load(ca);
        Clock longAgo = Clock.offset(Clock.systemUTC(), java.time.Duration.ofDays(-400));
        IssuedFiles.write(new CertificateIssuer(fleet, longAgo).issue("old", CertificateIssuer.Role.NODE, List.of(), 30),
                "old", certs, null);
        Files.writeString(root.resolve("wrong.pass"), "not-the-password");
        String trust = ca.resolve("ca.crt").toString();

        assertEquals(0, flotilla("identity", "check", "--identity", certs.resolve("alpha.p12").toString(), "--trust", trust));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("identity CN=alpha, OU=node, O=Flotilla, valid until"));

        assertEquals(0, flotilla("identity", "check", "--identity", certs.resolve("soon.p12").toString()));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("warning: the certificate expires in 9 days"));

        assertEquals(2, flotilla("identity", "check", "--identity", certs.resolve("alpha.p12").toString(),
                "--password-file", root.resolve("wrong.pass").toString()));
        assertTrue(errors().contains("does not open"), errors());
        assertTrue(!errors().contains("not-the-password"), "the password is never shown");
        assertEquals(2, flotilla("identity", "check", "--identity", certs.resolve("old.p12").toString()));
        assertTrue(errors().contains("expired on"), errors());
        assertEquals(2, flotilla("identity", "check", "--identity", certs.resolve("stranger.p12").toString(), "--trust", trust));
        assertTrue(errors().contains("is not signed by the CA of"), errors());
        assertEquals(2, flotilla("identity", "check", "--identity", certs.resolve("alpha.p12").toString(), "--name", "beta"));
        assertTrue(errors().contains("is for alpha, not for node beta"), errors());
    }

    private static X509Certificate caCertificate(Path ca) throws Exception {
        try (InputStream in = new FileInputStream(ca.resolve("ca.crt").toFile())) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private static SSLContext context(Path p12, String password, X509Certificate trusted) throws Exception {
        KeyStore identity = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(p12)) {
            identity.load(in, password.toCharArray());
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(identity, password.toCharArray());
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("fleet-ca", trusted);
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), trustManagers.getTrustManagers(), null);
        return context;
    }

    /** A client's handshake with host name verification, as Paho does it. */
    private static void handshake(SSLContext client, int port) throws IOException {
        try (SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket("127.0.0.1", port)) {
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            socket.getInputStream().read(); // under TLS 1.3 the server judges the client's certificate after the client is done
        }
    }

    @Test
    void anOperatorsSigningKeyIsEd25519WithItsPrivateHalfForItsOwnerAlone() throws Exception {
        assertEquals(0, flotilla("key", "generate", "alice", "--out", root.resolve("keys").toString()), errors());

        assertEquals("rw-------", permissions(root.resolve("keys/alice.key")));
        String pub = Files.readString(root.resolve("keys/alice.pub"));
        byte[] der = java.util.Base64.getMimeDecoder().decode(pub.replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "").trim());
        assertEquals("EdDSA", java.security.KeyFactory.getInstance("Ed25519")
                .generatePublic(new java.security.spec.X509EncodedKeySpec(der)).getAlgorithm());
        assertEquals(2, flotilla("key", "generate", "alice", "--out", root.resolve("keys").toString()), "never overwritten");
    }
}
