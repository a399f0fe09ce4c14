package io.flotilla.util;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;

/**
 * Signs commands as an operator (docs/protocol.md, "Signed commands") with an Ed25519 key of
 * {@code bin/flotilla key generate}, whose file name is the operator's name: for
 * {@code bin/flotilla ctl}, and for a node's shell sending commands to other nodes.
 */
public final class OperatorSigner {

    private final String operator;
    private final PrivateKey key;

    private OperatorSigner(String operator, PrivateKey key) {
        this.operator = operator;
        this.key = key;
    }

    /** The signer of {@code file}, {@code NAME.key}: operator NAME. */
    public static OperatorSigner of(Path file) throws IOException, GeneralSecurityException {
        String pem = Files.readString(file);
        if (!pem.contains("-----BEGIN PRIVATE KEY-----")) {
            throw new IOException(file + " holds no PEM private key (bin/flotilla key generate NAME --out DIR)");
        }
        byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").trim());
        PrivateKey key = KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(der));
        return new OperatorSigner(file.getFileName().toString().replaceFirst("\\.key$", ""), key);
    }

    /** The operator's name, the {@code key} of what it signs. */
    public String name() {
        return operator;
    }

    /** {@code command} (JSON text) signed for {@code node} and {@code kind}, valid from {@code issued} for {@code validity}. */
    public Map<String, Object> sign(String node, String kind, String command, Instant issued, Duration validity)
            throws GeneralSecurityException {
        SignedEnvelope envelope = SignedEnvelope.fresh(operator, node, kind, issued, validity);
        Signature signature = Signature.getInstance("Ed25519");
        signature.initSign(key);
        signature.update(envelope.signedBytes(command));
        return envelope.document(command, signature.sign(), null);
    }
}
