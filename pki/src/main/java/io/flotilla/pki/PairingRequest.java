package io.flotilla.pki;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * What a node without a certificate sends on {@code pairing/requests/{name}}: a PKCS#10 request
 * for its name, signed with the key it made and keeps, a random nonce and the time it was made.
 * <p>
 * The pairing code the node prints is not a secret it shares: it is a digest of the request
 * itself (name, nonce, the request's bytes), as Bluetooth's numeric comparison and SSH's key
 * fingerprints are. The operator types the code read on the new node's console; the CA holder
 * approves only the request whose digest it is. A stranger on the enrollment topic can see the
 * code but cannot make another request with the same one within the request's lifetime: 60 bits,
 * some 10^18 digests to try, in 15 minutes.
 */
public record PairingRequest(String name, byte[] csr, String nonce, Instant created) {

    /** Crockford's Base32: no I, L, O or U to misread. */
    private static final String CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    private static final int CODE_CHARACTERS = 12;

    /** A request for {@code name}, signed with {@code keys}. */
    public static PairingRequest create(String name, KeyPair keys, Clock clock) throws GeneralSecurityException {
        CertificateIssuer.checkName(name);
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, name).build();
        try {
            PKCS10CertificationRequest request = new JcaPKCS10CertificationRequestBuilder(subject, keys.getPublic())
                    .build(new JcaContentSignerBuilder(Keys.SIGNATURE).build(keys.getPrivate()));
            byte[] random = new byte[16];
            new SecureRandom().nextBytes(random);
            return new PairingRequest(name, request.getEncoded(), Base64.getUrlEncoder().withoutPadding().encodeToString(random),
                    clock.instant());
        } catch (OperatorCreationException | IOException e) {
            throw new GeneralSecurityException("could not make the certificate request of " + name, e);
        }
    }

    /** The request as its JSON object has it (the CSR as Base64 DER). */
    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("name", name);
        map.put("csr", Base64.getEncoder().encodeToString(csr));
        map.put("nonce", nonce);
        map.put("created", created.toString());
        return map;
    }

    /** The request in {@code map}, or an {@link IllegalArgumentException} saying what is missing or malformed. */
    public static PairingRequest fromMap(Map<?, ?> map) {
        if (!(map.get("name") instanceof String name) || !(map.get("csr") instanceof String csr)
                || !(map.get("nonce") instanceof String nonce) || !(map.get("created") instanceof String created)) {
            throw new IllegalArgumentException("a pairing request needs the strings name, csr, nonce and created");
        }
        if (!nonce.matches("[A-Za-z0-9_-]{16,64}")) {
            throw new IllegalArgumentException("a pairing request's nonce is 16 to 64 characters of URL-safe Base64");
        }
        try {
            return new PairingRequest(name, Base64.getDecoder().decode(csr), nonce, Instant.parse(created));
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw new IllegalArgumentException("a pairing request's csr must be Base64 and its created an ISO-8601 instant");
        }
    }

    /** The code the node prints and the operator types, e.g. {@code 7KQ2-M9XD-4F1B}. */
    public String code() {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(("flotilla-pairing-1\n" + name + "\n" + nonce + "\n").getBytes(StandardCharsets.UTF_8));
            byte[] hash = digest.digest(csr);
            StringBuilder code = new StringBuilder();
            long bits = 0;
            for (int i = 0; i < 8; i++) {
                bits = bits << 8 | hash[i] & 0xff;
            }
            for (int i = 0; i < CODE_CHARACTERS; i++) {
                if (i > 0 && i % 4 == 0) {
                    code.append('-');
                }
                code.append(CODE_ALPHABET.charAt((int) (bits >>> 59)));
                bits <<= 5;
            }
            return code.toString();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** Whether {@code typed} is this request's code, ignoring case, dashes and spaces, and reading O as 0, I and L as 1. */
    public boolean hasCode(String typed) {
        String normal = typed.toUpperCase(java.util.Locale.ROOT).replaceAll("[-\\s]", "").replace('O', '0').replace('I', '1')
                .replace('L', '1');
        return MessageDigest.isEqual(normal.getBytes(StandardCharsets.US_ASCII),
                code().replace("-", "").getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * The public key the request was signed with, once its signature is checked and its subject is
     * CN={@link #name} alone.
     */
    public PublicKey verifiedKey() throws GeneralSecurityException {
        try {
            JcaPKCS10CertificationRequest request = new JcaPKCS10CertificationRequest(csr);
            PublicKey key = request.getPublicKey();
            if (!request.isSignatureValid(new JcaContentVerifierProviderBuilder().build(key))) {
                throw new GeneralSecurityException("the certificate request of " + name + " is not signed by its key");
            }
            RDN[] names = request.getSubject().getRDNs();
            if (names.length != 1 || !names[0].getFirst().getType().equals(BCStyle.CN)
                    || !name.equals(IETFUtils.valueToString(names[0].getFirst().getValue()))) {
                throw new GeneralSecurityException("the certificate request names " + request.getSubject() + ", not CN=" + name);
            }
            return key;
        } catch (IOException | IllegalArgumentException e) {
            throw new GeneralSecurityException("the certificate request of " + name + " is not a PKCS#10 request", e);
        } catch (OperatorCreationException | PKCSException e) {
            throw new GeneralSecurityException("the certificate request of " + name + " cannot be checked", e);
        }
    }
}
