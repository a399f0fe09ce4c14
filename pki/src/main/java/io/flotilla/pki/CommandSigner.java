package io.flotilla.pki;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Signs commands as an operator (docs/protocol.md, "Signed commands"): the command's JSON text in
 * the envelope a node checks, with an Ed25519 key of {@code bin/flotilla key generate}, whose file
 * name is the operator's name.
 */
public final class CommandSigner {

    private final String operator;
    private final PrivateKey key;

    private CommandSigner(String operator, PrivateKey key) {
        this.operator = operator;
        this.key = key;
    }

    /** The signer of {@code file}, {@code NAME.key}: operator NAME. */
    public static CommandSigner of(Path file) throws IOException, GeneralSecurityException {
        String pem = Files.readString(file);
        if (!pem.contains("-----BEGIN PRIVATE KEY-----")) {
            throw new IOException(file + " holds no PEM private key (bin/flotilla key generate NAME --out DIR)");
        }
        byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").trim());
        PrivateKey key = KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(der));
        return new CommandSigner(file.getFileName().toString().replaceFirst("\\.key$", ""), key);
    }

    /** {@code command} (JSON text) signed for {@code node} and {@code kind}, valid from {@code issued} for {@code validity}. */
    public Map<String, Object> sign(String node, String kind, String command, Instant issued, Duration validity)
            throws GeneralSecurityException {
        Instant from = issued.truncatedTo(ChronoUnit.SECONDS);
        Instant until = from.plus(validity);
        byte[] random = new byte[16];
        new SecureRandom().nextBytes(random);
        String nonce = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        String text = String.join("\n", "flotilla-command/1", "key: " + operator, "node: " + node, "kind: " + kind,
                "issued_at: " + from, "expires_at: " + until, "nonce: " + nonce, command);
        Signature signature = Signature.getInstance("Ed25519");
        signature.initSign(key);
        signature.update(text.getBytes(StandardCharsets.UTF_8));
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("key", operator);
        header.put("node", node);
        header.put("kind", kind);
        header.put("issued_at", from.toString());
        header.put("expires_at", until.toString());
        header.put("nonce", nonce);
        header.put("command", command);
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("signed", header);
        document.put("signature", Base64.getEncoder().encodeToString(signature.sign()));
        return document;
    }
}
