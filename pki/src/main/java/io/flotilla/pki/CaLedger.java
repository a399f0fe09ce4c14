package io.flotilla.pki;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * What the CA's directory remembers besides its key: the certificate it last issued to each name
 * ({@code issued/NAME.crt}), so that a name already paired is not paired again, and the revocation
 * list ({@code crl.pem}) the brokers honour (Mosquitto's {@code crlfile}, the embedded broker's
 * {@code tls.crl}). The list exists from {@code ca init} on, empty, because a broker told to check
 * one refuses everyone while it has none. It is valid as long as the CA: a list past its next
 * update would make OpenSSL refuse every client too.
 */
public final class CaLedger {

    public static final String REVOCATIONS = "crl.pem";
    private static final String ISSUED = "issued";
    private static final String PREVIOUS = "previous";
    private static final String LOCK = "ca.lock";

    private final Path directory;
    private final FleetCa ca;
    private final Clock clock;

    public CaLedger(Path directory, FleetCa ca, Clock clock) {
        this.directory = directory;
        this.ca = ca;
        this.clock = clock;
    }

    /**
     * Remembers that {@code certificate} is now {@code name}'s. The one it replaces is kept in
     * {@code issued/previous/NAME/}: until it expires it still works, so revoking the name must reach it too.
     */
    public void record(String name, X509Certificate certificate) throws IOException, GeneralSecurityException {
        CertificateIssuer.checkName(name);
        try (FileLock lock = lock()) {
            PkiFiles.createPrivateDirectory(directory.resolve(ISSUED));
            Path current = directory.resolve(ISSUED).resolve(name + ".crt");
            if (Files.isRegularFile(current)) {
                Path previous = directory.resolve(ISSUED).resolve(PREVIOUS).resolve(name);
                Files.createDirectories(previous);
                X509Certificate replaced = Pem.certificates(Files.readString(current)).get(0);
                Files.move(current, previous.resolve(replaced.getSerialNumber().toString(16) + ".crt"),
                        StandardCopyOption.REPLACE_EXISTING);
            }
            PkiFiles.replace(current, Pem.of(certificate), false);
        }
    }

    /** {@code name}'s certificate, if the CA issued one that is neither expired nor revoked. */
    public Optional<X509Certificate> activeCertificate(String name) throws IOException, GeneralSecurityException {
        CertificateIssuer.checkName(name);
        Path file = directory.resolve(ISSUED).resolve(name + ".crt");
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        X509Certificate certificate = Pem.certificates(Files.readString(file)).get(0);
        boolean expired = certificate.getNotAfter().toInstant().isBefore(clock.instant());
        return expired || revocations().isRevoked(certificate) ? Optional.empty() : Optional.of(certificate);
    }

    /**
     * Revokes every certificate of {@code name} that still works (its current one, and any it
     * replaced that has not expired): adds them to {@code crl.pem}; returns them, the current first.
     */
    public List<X509Certificate> revoke(String name) throws IOException, GeneralSecurityException {
        CertificateIssuer.checkName(name);
        try (FileLock lock = lock()) {
            X509CRL current = revocations();
            List<X509Certificate> working = new ArrayList<>();
            for (X509Certificate certificate : issuedTo(name)) {
                if (!certificate.getNotAfter().toInstant().isBefore(clock.instant()) && !current.isRevoked(certificate)) {
                    working.add(certificate);
                }
            }
            if (working.isEmpty()) {
                throw new IllegalArgumentException("the CA in " + directory + " has no valid certificate of " + name + " to revoke");
            }
            X509v2CRLBuilder builder = builder(crlNumber(current).add(BigInteger.ONE));
            for (X509CRLEntry entry : Optional.ofNullable(current.getRevokedCertificates()).orElse(java.util.Set.of())) {
                builder.addCRLEntry(entry.getSerialNumber(), entry.getRevocationDate(), CRLReason.unspecified);
            }
            for (X509Certificate certificate : working) {
                builder.addCRLEntry(certificate.getSerialNumber(), Date.from(clock.instant()), CRLReason.cessationOfOperation);
            }
            write(builder);
            return working;
        }
    }

    /** Every certificate the CA issued to {@code name} that it remembers: the current one first. */
    private List<X509Certificate> issuedTo(String name) throws IOException, GeneralSecurityException {
        List<Path> files = new ArrayList<>();
        files.add(directory.resolve(ISSUED).resolve(name + ".crt"));
        Path previous = directory.resolve(ISSUED).resolve(PREVIOUS).resolve(name);
        if (Files.isDirectory(previous)) {
            try (Stream<Path> listed = Files.list(previous)) {
                listed.filter(file -> file.toString().endsWith(".crt")).sorted().forEach(files::add);
            }
        }
        List<X509Certificate> found = new ArrayList<>();
        for (Path file : files) {
            if (Files.isRegularFile(file)) {
                found.add(Pem.certificates(Files.readString(file)).get(0));
            }
        }
        return found;
    }

    /** The CA's directory for this process alone, against bin/flotilla cert and a node's node:unpair at once. */
    private FileLock lock() throws IOException {
        FileChannel channel = FileChannel.open(directory.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            return channel.lock();
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Writes the first, empty revocation list, at {@code ca init}. */
    public void start() throws IOException, GeneralSecurityException {
        write(builder(BigInteger.ONE));
    }

    /** The revocation list, checked against the CA. */
    public X509CRL revocations() throws IOException, GeneralSecurityException {
        Path file = directory.resolve(REVOCATIONS);
        if (!Files.isRegularFile(file)) {
            start(); // a CA made before revocation lists were
        }
        return read(Files.readString(file), ca.certificate());
    }

    /** The revocation list in {@code pem}, once its signature by {@code ca} is checked. */
    public static X509CRL read(String pem, X509Certificate ca) throws GeneralSecurityException {
        String base64 = pem.replaceAll("-----(BEGIN|END) X509 CRL-----", "").replaceAll("\\s", "");
        X509CRL crl = (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(
                new ByteArrayInputStream(java.util.Base64.getDecoder().decode(base64)));
        crl.verify(ca.getPublicKey());
        return crl;
    }

    private X509v2CRLBuilder builder(BigInteger number) throws GeneralSecurityException {
        try {
            return new X509v2CRLBuilder(new JcaX509CertificateHolder(ca.certificate()).getSubject(), Date.from(clock.instant()))
                    .setNextUpdate(ca.certificate().getNotAfter())
                    .addExtension(Extension.cRLNumber, false, new CRLNumber(number))
                    .addExtension(Extension.authorityKeyIdentifier, false,
                            new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(ca.certificate()));
        } catch (IOException e) {
            throw new GeneralSecurityException("could not build the revocation list", e);
        }
    }

    private void write(X509v2CRLBuilder builder) throws IOException, GeneralSecurityException {
        try {
            X509CRL crl = new JcaX509CRLConverter().getCRL(builder.build(new JcaContentSignerBuilder(Keys.SIGNATURE).build(ca.key())));
            String pem = "-----BEGIN X509 CRL-----\n" + java.util.Base64.getMimeEncoder(64, new byte[] {'\n'})
                    .encodeToString(crl.getEncoded()) + "\n-----END X509 CRL-----\n";
            PkiFiles.replace(directory.resolve(REVOCATIONS), pem, false);
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException("could not sign the revocation list", e);
        }
    }

    private static BigInteger crlNumber(X509CRL crl) {
        byte[] value = crl.getExtensionValue(Extension.cRLNumber.getId());
        return value == null ? BigInteger.ONE
                : CRLNumber.getInstance(org.bouncycastle.asn1.ASN1OctetString.getInstance(value).getOctets()).getCRLNumber();
    }
}
