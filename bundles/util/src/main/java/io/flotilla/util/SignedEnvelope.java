package io.flotilla.util;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The signed command of docs/protocol.md ("Signed commands"), as its signer writes it: the header
 * (who signs, for which node and kind, when, until when, with which nonce) and the command's JSON
 * text, signed as the header lines followed by the text, byte for byte.
 *
 * @param key       an operator's name, or {@code node:NAME} for a node signing with its fleet certificate
 * @param node      the node the command is for
 * @param kind      the command kind, as the topic it is sent on names it
 * @param issuedAt  from when it is valid, in whole seconds
 * @param expiresAt until when
 * @param nonce     unique to this command among its signer's
 */
public record SignedEnvelope(String key, String node, String kind, Instant issuedAt, Instant expiresAt, String nonce) {

    /** The first line of the signed text: the form of what follows. */
    public static final String FORM = "flotilla-command/1";
    /** The key names of nodes, who sign with their fleet certificate: {@code node:NAME}. */
    public static final String NODE_KEY = "node:";
    /**
     * What a node signs, with its fleet certificate: the messages of a migration between two nodes.
     * Everything else is an operator's to sign.
     */
    public static final Set<String> NODE_KINDS = Set.of("migrate_in", "migrate_abort", "code_request");

    /** The node that signs as {@code key}, when {@code key} is a node's ({@code node:NAME}). */
    public static Optional<String> nodeOf(String key) {
        return key.startsWith(NODE_KEY) ? Optional.of(key.substring(NODE_KEY.length())) : Optional.empty();
    }

    /** A header for a command signed now, valid for {@code validity}, with a fresh random nonce. */
    public static SignedEnvelope fresh(String key, String node, String kind, Instant now, Duration validity) {
        Instant from = now.truncatedTo(ChronoUnit.SECONDS);
        byte[] random = new byte[16];
        new SecureRandom().nextBytes(random);
        return new SignedEnvelope(key, node, kind, from, from.plus(validity),
                Base64.getUrlEncoder().withoutPadding().encodeToString(random));
    }

    /** What the signature covers: {@link #FORM} and the header, a line each, then {@code command}. */
    public byte[] signedBytes(String command) {
        return String.join("\n", FORM, "key: " + key, "node: " + node, "kind: " + kind, "issued_at: " + issuedAt,
                "expires_at: " + expiresAt, "nonce: " + nonce, command).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The document sent: {@code {"signed": {header, "command": TEXT}, "signature": BASE64}}, and a
     * node's certificate (DER, Base64) when {@code certificate} is not null.
     */
    public Map<String, Object> document(String command, byte[] signature, byte[] certificate) {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("key", key);
        header.put("node", node);
        header.put("kind", kind);
        header.put("issued_at", issuedAt.toString());
        header.put("expires_at", expiresAt.toString());
        header.put("nonce", nonce);
        header.put("command", command);
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("signed", header);
        document.put("signature", Base64.getEncoder().encodeToString(signature));
        if (certificate != null) {
            document.put("certificate", Base64.getEncoder().encodeToString(certificate));
        }
        return document;
    }
}
