package io.flotilla.mqtt.internal;

import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Collections;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.flotilla.spi.fleet.FleetIdentity;

/**
 * The node's fleet identity from the {@code tls.*} settings its broker connection uses: its key and
 * certificate sign what it sends other nodes, and the fleet CA's certificate decides whose
 * signatures count. Only a certificate the CA issued to a node ({@code OU=node}, as
 * {@code bin/flotilla cert issue} and pairing make them), valid now, names a signer: an operator's
 * certificate does not make its holder a node.
 */
@Component(service = FleetIdentity.class, configurationPid = MqttConfig.PID)
public final class NodeKeys implements FleetIdentity {

    private static final Logger LOG = LoggerFactory.getLogger(NodeKeys.class);

    private final PrivateKey key;
    private final X509Certificate certificate;
    private final Set<TrustAnchor> fleetCa;
    private final Clock clock;

    @Activate
    public NodeKeys(MqttConfig config) {
        this(config, Clock.systemUTC());
    }

    NodeKeys(MqttConfig config, Clock clock) {
        this.clock = clock;
        PrivateKey ownKey = null;
        X509Certificate own = null;
        Set<TrustAnchor> anchors = Set.of();
        try {
            String keystore = config.tls_keystore().trim();
            if (!keystore.isEmpty()) {
                char[] password = TlsSetup.identityPassword(keystore, config);
                KeyStore store = TlsSetup.identityStore(keystore, password);
                own = TlsSetup.identityCertificate(keystore, store, clock);
                ownKey = privateKey(store, own, password);
            }
            anchors = anchors(TlsSetup.trustStore(config.tls_truststore().trim(), config.tls_truststore_password()));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            // The broker connection reports the same setting as wrong, and refuses to join
            LOG.warn("This node signs nothing and checks no node's signature: {}", e.getMessage());
        }
        this.key = ownKey;
        this.certificate = own;
        this.fleetCa = anchors;
    }

    @Override
    public Optional<NodeSignature> sign(byte[] data) {
        if (key == null) {
            return Optional.empty();
        }
        try {
            Signature signature = Signature.getInstance(algorithm(certificate.getPublicKey()));
            signature.initSign(key);
            signature.update(data);
            return Optional.of(new NodeSignature(signature.sign(), certificate.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this node cannot sign with its key: " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<String> signer(byte[] encoded, byte[] data, byte[] signature) {
        if (fleetCa.isEmpty()) {
            return Optional.empty();
        }
        try {
            X509Certificate presented = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(encoded));
            PKIXParameters parameters = new PKIXParameters(fleetCa);
            // Revocation is the broker's: a revoked node cannot connect to publish anything
            parameters.setRevocationEnabled(false);
            parameters.setDate(Date.from(clock.instant()));
            CertPathValidator.getInstance("PKIX").validate(
                    CertificateFactory.getInstance("X.509").generateCertPath(List.of(presented)), parameters);
            Map<String, String> subject = subject(presented);
            boolean[] usage = presented.getKeyUsage();
            if (!"node".equals(subject.get("OU")) || subject.get("CN") == null || presented.getBasicConstraints() != -1
                    || usage == null || !usage[0]) { // a node's end certificate, for digital signatures
                return Optional.empty();
            }
            Signature verifier = Signature.getInstance(algorithm(presented.getPublicKey()));
            verifier.initVerify(presented.getPublicKey());
            verifier.update(data);
            return verifier.verify(signature) ? Optional.of(subject.get("CN")) : Optional.empty();
        } catch (GeneralSecurityException | IllegalArgumentException | ClassCastException e) {
            LOG.debug("A node signature that does not hold: {}", e.getMessage());
            return Optional.empty();
        }
    }

    private static PrivateKey privateKey(KeyStore store, X509Certificate own, char[] password)
            throws GeneralSecurityException {
        for (String alias : Collections.list(store.aliases())) {
            if (store.isKeyEntry(alias) && own.equals(store.getCertificate(alias))) {
                return (PrivateKey) store.getKey(alias, password);
            }
        }
        throw new IllegalArgumentException("tls.keystore holds no private key with its certificate");
    }

    private static Set<TrustAnchor> anchors(KeyStore trust) throws GeneralSecurityException {
        if (trust == null) {
            return Set.of(); // the JDK's CAs: none of them issues a fleet's nodes their certificates
        }
        Set<TrustAnchor> anchors = new HashSet<>();
        for (String alias : Collections.list(trust.aliases())) {
            if (trust.getCertificate(alias) instanceof X509Certificate ca) {
                anchors.add(new TrustAnchor(ca, null));
            }
        }
        return Set.copyOf(anchors);
    }

    /** The signature algorithm of a key: ECDSA over SHA-256 for the fleet's P-256 keys. */
    private static String algorithm(PublicKey key) {
        return switch (key.getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            case "RSA" -> "SHA256withRSA";
            default -> throw new IllegalArgumentException("no signature for " + key.getAlgorithm() + " keys");
        };
    }

    private static Map<String, String> subject(X509Certificate certificate) {
        Map<String, String> names = new java.util.HashMap<>();
        try {
            for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
                names.merge(rdn.getType().toUpperCase(java.util.Locale.ROOT), String.valueOf(rdn.getValue()), (a, b) -> a);
            }
        } catch (InvalidNameException e) {
            return Map.of();
        }
        return names;
    }
}
