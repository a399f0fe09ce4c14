package io.flotilla.pki;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The client side of TLS to a fleet broker, for the launcher's tools and the tests: trusting the
 * fleet CA alone, and presenting an identity of {@code bin/flotilla cert issue} when one is given
 * ({@code NAME.p12}, its password in {@code NAME.pass} beside it).
 */
public final class FleetTls {

    private FleetTls() {
    }

    /** TLS that trusts {@code authorities} alone, as {@code identity} when it is not null. */
    public static SSLContext context(Path identity, List<X509Certificate> authorities) throws IOException, GeneralSecurityException {
        KeyManager[] keys = null;
        if (identity != null) {
            char[] password = Files.readString(passwordBeside(identity), StandardCharsets.UTF_8).trim().toCharArray();
            KeyStore store = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(identity)) {
                store.load(in, password);
            }
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(store, password);
            keys = factory.getKeyManagers();
        }
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        int i = 0;
        for (X509Certificate authority : authorities) {
            trust.setCertificateEntry("fleet-ca-" + i++, authority);
        }
        TrustManagerFactory trusted = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trusted.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys, trusted.getTrustManagers(), null);
        return context;
    }

    /** TLS that trusts the CA certificates of the PEM file {@code trust}, as {@code identity} when it is not null. */
    public static SSLContext context(Path identity, Path trust) throws IOException, GeneralSecurityException {
        return context(identity, Pem.certificates(Files.readString(trust)));
    }

    /** Where the password of {@code identity} is kept: {@code NAME.pass} beside {@code NAME.p12}. */
    static Path passwordBeside(Path identity) {
        return identity.resolveSibling(identity.getFileName().toString().replaceFirst("\\.(p12|pfx)$", "") + ".pass");
    }
}
