package io.flotilla.pki;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.UnrecoverableKeyException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * What {@code bin/flotilla --identity} checks before the node starts: that the key store opens
 * with its password, holds a key with its certificate, that the certificate is valid now (and
 * warns within 30 days of its end), and, given the fleet CA, that the CA signed it. Each failure is
 * one sentence that names the file and never the password.
 */
final class IdentityCheck {

    static final Duration EXPIRY_WARNING = Duration.ofDays(30);

    private IdentityCheck() {
    }

    /** Returns what was found, with a warning line when the certificate is near its end. */
    static List<String> check(Path identity, Path passwordFile, Path trust, String node, Clock clock)
            throws IOException, GeneralSecurityException {
        Path pass = passwordFile != null ? passwordFile
                : FleetTls.passwordBeside(identity);
        if (!Files.isRegularFile(pass)) {
            throw new IOException("no password for " + identity + ": put it in " + pass + " or give --identity-password-file");
        }
        char[] password = Files.readString(pass, StandardCharsets.UTF_8).trim().toCharArray();
        KeyStore store = KeyStore.getInstance("PKCS12");
        try {
            store.load(new ByteArrayInputStream(Files.readAllBytes(identity)), password);
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException || String.valueOf(e.getMessage()).contains("password")) {
                throw new IOException("the password in " + pass + " does not open " + identity);
            }
            throw new IOException(identity + " is not a PKCS#12 file: " + e.getMessage());
        }
        X509Certificate certificate = null;
        for (String alias : Collections.list(store.aliases())) {
            if (store.isKeyEntry(alias) && store.getCertificate(alias) instanceof X509Certificate found) {
                certificate = found;
            }
        }
        if (certificate == null) {
            throw new IOException(identity + " holds no private key with its certificate");
        }
        Instant now = clock.instant();
        Instant end = certificate.getNotAfter().toInstant();
        if (end.isBefore(now)) {
            throw new IOException("the certificate in " + identity + " (" + certificate.getSubjectX500Principal()
                    + ") expired on " + end + ": issue a new one with bin/flotilla cert issue");
        }
        if (trust != null) {
            checkIssuer(certificate, trust);
        }
        String name = commonName(certificate);
        if (node != null && !node.equals(name)) {
            // The broker knows a client by its certificate's CN: under the fleet's ACL, a node running
            // under another name could use none of its own topics.
            throw new IOException("the certificate in " + identity + " is for " + name + ", not for node " + node
                    + ": issue one for " + node + " with bin/flotilla cert issue " + node);
        }
        String found = "identity " + certificate.getSubjectX500Principal() + ", valid until " + end
                + (trust != null ? ", signed by the CA of " + trust : "");
        if (end.isBefore(now.plus(EXPIRY_WARNING))) {
            return List.of(found, "warning: the certificate expires in " + Duration.between(now, end).toDays()
                    + " days: issue a new one with bin/flotilla cert issue");
        }
        return List.of(found);
    }

    private static String commonName(X509Certificate certificate) throws IOException {
        try {
            for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return String.valueOf(rdn.getValue());
                }
            }
        } catch (InvalidNameException e) {
            throw new IOException("the certificate's subject cannot be read: " + e.getMessage());
        }
        throw new IOException("the certificate " + certificate.getSubjectX500Principal() + " names no CN");
    }

    private static void checkIssuer(X509Certificate certificate, Path trust) throws IOException, GeneralSecurityException {
        Set<TrustAnchor> anchors = new HashSet<>();
        try {
            for (var ca : CertificateFactory.getInstance("X.509").generateCertificates(
                    new ByteArrayInputStream(Files.readAllBytes(trust)))) {
                anchors.add(new TrustAnchor((X509Certificate) ca, null));
            }
        } catch (GeneralSecurityException e) {
            throw new IOException(trust + " is no PEM certificate: " + e.getMessage());
        }
        if (anchors.isEmpty()) {
            throw new IOException(trust + " holds no certificate");
        }
        PKIXParameters parameters = new PKIXParameters(anchors);
        parameters.setRevocationEnabled(false);
        try {
            CertPathValidator.getInstance("PKIX").validate(
                    CertificateFactory.getInstance("X.509").generateCertPath(List.of(certificate)), parameters);
        } catch (CertPathValidatorException e) {
            throw new IOException("the certificate " + certificate.getSubjectX500Principal() + " is not signed by the CA of "
                    + trust + ": " + e.getMessage());
        }
    }
}
