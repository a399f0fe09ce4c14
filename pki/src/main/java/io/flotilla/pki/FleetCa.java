package io.flotilla.pki;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;

/**
 * The fleet's certificate authority: a self-signed CA certificate and its private key, kept in one
 * directory ({@code ca.crt}, and {@code ca.key}, which is read by its owner alone and never leaves
 * the directory). It signs the certificates of the fleet's nodes, operators and brokers.
 */
public final class FleetCa {

    public static final String CERTIFICATE = "ca.crt";
    public static final String KEY = "ca.key";
    /** Clocks of the fleet's machines may be behind this one: certificates are valid from a little before now. */
    static final Duration BACKDATE = Duration.ofHours(1);

    private final X509Certificate certificate;
    private final PrivateKey key;

    private FleetCa(X509Certificate certificate, PrivateKey key) {
        this.certificate = certificate;
        this.key = key;
    }

    /** A new CA of the fleet named {@code fleet} (its CN: "{@code fleet} fleet CA"), valid for {@code days} from now. */
    public static FleetCa create(String fleet, int days, Clock clock) throws GeneralSecurityException {
        KeyPair pair = Keys.generate();
        Instant now = clock.instant();
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "Flotilla")
                .addRDN(BCStyle.CN, fleet + " fleet CA").build();
        JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
        try {
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial(), Date.from(now.minus(BACKDATE)),
                    Date.from(now.plus(Duration.ofDays(days))), subject, pair.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(pair.getPublic()));
            return new FleetCa(Keys.sign(builder, pair.getPrivate()), pair.getPrivate());
        } catch (IOException e) {
            throw new GeneralSecurityException("could not build the CA certificate", e);
        }
    }

    /** Writes {@code ca.crt} and {@code ca.key} into {@code directory}, which may not hold a CA already. */
    public void save(Path directory) throws IOException {
        PkiFiles.createPrivateDirectory(directory);
        Path crt = directory.resolve(CERTIFICATE);
        Path pem = directory.resolve(KEY);
        if (Files.exists(crt) || Files.exists(pem)) {
            throw new IOException(directory + " holds a CA already (" + CERTIFICATE + ", " + KEY + "): it is never overwritten");
        }
        PkiFiles.writePrivate(pem, Pem.of(key));
        PkiFiles.writePublic(crt, Pem.of(certificate));
    }

    /** The CA kept in {@code directory}. */
    public static FleetCa load(Path directory) throws IOException, GeneralSecurityException {
        Path crt = directory.resolve(CERTIFICATE);
        Path pem = directory.resolve(KEY);
        if (!Files.isRegularFile(crt) || !Files.isRegularFile(pem)) {
            throw new IOException(directory + " holds no fleet CA (" + CERTIFICATE + " and " + KEY
                    + "); create one with: bin/flotilla ca init --dir " + directory);
        }
        X509Certificate certificate = Pem.certificates(Files.readString(crt)).get(0);
        PrivateKey key = Pem.privateKey(Files.readString(pem));
        return new FleetCa(certificate, key);
    }

    public X509Certificate certificate() {
        return certificate;
    }

    PrivateKey key() {
        return key;
    }

    /** A random, positive serial number of 159 bits, as RFC 5280 allows. */
    static BigInteger serial() {
        return new BigInteger(159, new SecureRandom()).add(BigInteger.ONE);
    }
}
