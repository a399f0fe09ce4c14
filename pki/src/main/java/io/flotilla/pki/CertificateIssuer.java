package io.flotilla.pki;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.regex.Pattern;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;

/**
 * Issues the fleet's certificates from its CA. The subject's CN is the name the broker knows the
 * holder by ({@code use_identity_as_username}): a node's name, which its ACL patterns fill in, or an
 * operator's; the OU says which ({@code node}, {@code operator}). A certificate for a broker also
 * names the hosts it serves, which clients check.
 */
public final class CertificateIssuer {

    /** What a certificate is for. */
    public enum Role {
        NODE("node"),
        OPERATOR("operator");

        final String unit;

        Role(String unit) {
            this.unit = unit;
        }
    }

    /** The names a broker accepts as a client's identity and an ACL pattern fills a whole level with. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9_.-]{0,63}");

    private final FleetCa ca;
    private final Clock clock;

    public CertificateIssuer(FleetCa ca, Clock clock) {
        this.ca = ca;
        this.clock = clock;
    }

    /**
     * A certificate for {@code name} in {@code role}, valid for {@code days}; with {@code servers}
     * (host names or addresses) it serves TLS for those too, as a broker does.
     */
    public Issued issue(String name, Role role, List<String> servers, int days) throws GeneralSecurityException {
        checkName(name);
        KeyPair pair = Keys.generate();
        return new Issued(certify(name, role, pair.getPublic(), servers, days), pair.getPrivate(), ca.certificate());
    }

    /** A node certificate for {@code name} and a key its holder made and keeps (a pairing request's). */
    public X509Certificate certify(String name, PublicKey key, int days) throws GeneralSecurityException {
        checkName(name);
        return certify(name, Role.NODE, key, List.of(), days);
    }

    /** Refuses what is not a {@link #NAME}. */
    public static void checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("'" + name + "' is no node or operator name: 1 to 64 of A-Z a-z 0-9 . _ -,"
                    + " not starting with '.'");
        }
    }

    private X509Certificate certify(String name, Role role, PublicKey key, List<String> servers, int days)
            throws GeneralSecurityException {
        if (days < 1) {
            throw new IllegalArgumentException("a certificate is valid for a day at least, not " + days);
        }
        Instant now = clock.instant();
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "Flotilla").addRDN(BCStyle.OU, role.unit)
                .addRDN(BCStyle.CN, name).build();
        List<KeyPurposeId> purposes = new ArrayList<>(List.of(KeyPurposeId.id_kp_clientAuth));
        if (!servers.isEmpty()) {
            purposes.add(KeyPurposeId.id_kp_serverAuth);
        }
        JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
        try {
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                    new JcaX509CertificateHolder(ca.certificate()).getSubject(), FleetCa.serial(),
                    Date.from(now.minus(FleetCa.BACKDATE)), Date.from(now.plus(Duration.ofDays(days))), subject, key)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purposes.toArray(KeyPurposeId[]::new)))
                    .addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(key))
                    .addExtension(Extension.authorityKeyIdentifier, false,
                            extensions.createAuthorityKeyIdentifier(ca.certificate()));
            if (!servers.isEmpty()) {
                builder.addExtension(Extension.subjectAlternativeName, false, alternativeNames(servers));
            }
            return Keys.sign(builder, ca.key());
        } catch (IOException e) {
            throw new GeneralSecurityException("could not build the certificate of " + name, e);
        }
    }

    private static GeneralNames alternativeNames(List<String> servers) {
        List<GeneralName> names = new ArrayList<>();
        for (String server : servers) {
            names.add(new GeneralName(isAddress(server) ? GeneralName.iPAddress : GeneralName.dNSName, server));
        }
        return new GeneralNames(names.toArray(GeneralName[]::new));
    }

    private static boolean isAddress(String host) {
        if (!host.matches("[0-9.]+|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*")) {
            return false;
        }
        try {
            InetAddress.getByName(host); // a literal: no lookup happens
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
