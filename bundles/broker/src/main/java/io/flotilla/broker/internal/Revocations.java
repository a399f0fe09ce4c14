package io.flotilla.broker.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fleet CA's revocation list ({@code tls.crl}), read again whenever the file changes. A list
 * that cannot be read, or that the CA did not sign, revokes everyone until it is fixed, as
 * OpenSSL does for Mosquitto: a broker told to honour revocations must not quietly stop.
 */
final class Revocations {

    private static final Logger LOG = LoggerFactory.getLogger(Revocations.class);

    private final Path file;
    private final List<X509Certificate> authorities;
    private FileTime readAt;
    private X509CRL list;
    private String problem;
    private long generation;

    /** @param file the PEM revocation list; {@code ca} the PEM file of the CA that signs it */
    Revocations(Path file, Path ca) {
        this.file = file;
        this.authorities = authorities(ca);
        refresh();
    }

    /** Whether {@code certificate} may not connect: revoked, or the list is unusable. */
    synchronized boolean revoked(X509Certificate certificate) {
        refresh();
        return list == null || list.isRevoked(certificate);
    }

    /** Rises each time the list changes (or becomes unusable): a sweep of the connections is due. */
    synchronized long generation() {
        refresh();
        return generation;
    }

    /** Reads the list again if the file changed. */
    private void refresh() {
        FileTime modified;
        try {
            modified = Files.getLastModifiedTime(file);
        } catch (IOException e) {
            fail("tls.crl " + file + " cannot be read: " + e.getMessage());
            return;
        }
        if (modified.equals(readAt)) {
            return;
        }
        readAt = modified;
        try {
            String pem = Files.readString(file);
            String base64 = pem.replaceAll("-----(BEGIN|END) X509 CRL-----", "").replaceAll("\\s", "");
            X509CRL read = (X509CRL) CertificateFactory.getInstance("X.509")
                    .generateCRL(new ByteArrayInputStream(java.util.Base64.getDecoder().decode(base64)));
            verify(read);
            list = read;
            generation++;
            if (problem != null) {
                LOG.info("tls.crl {} is usable again: {} certificates revoked", file, count());
            }
            problem = null;
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            fail("tls.crl " + file + " is no revocation list of the fleet CA: " + e.getMessage());
        }
    }

    private void fail(String reason) {
        if (!reason.equals(problem)) {
            LOG.error("{}; every client is refused until it is fixed", reason);
            problem = reason;
        }
        if (list != null) {
            generation++;
        }
        list = null;
        readAt = null;
    }

    private void verify(X509CRL read) throws GeneralSecurityException {
        GeneralSecurityException last = new GeneralSecurityException("tls.truststore holds no CA");
        for (X509Certificate authority : authorities) {
            try {
                read.verify(authority.getPublicKey());
                return;
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw last;
    }

    private int count() {
        return list.getRevokedCertificates() == null ? 0 : list.getRevokedCertificates().size();
    }

    private static List<X509Certificate> authorities(Path ca) {
        List<X509Certificate> found = new ArrayList<>();
        try {
            for (Certificate certificate : CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(Files.readAllBytes(ca)))) {
                found.add((X509Certificate) certificate);
            }
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("tls.truststore " + ca + " cannot be read: " + e.getMessage());
        }
        return found;
    }
}
