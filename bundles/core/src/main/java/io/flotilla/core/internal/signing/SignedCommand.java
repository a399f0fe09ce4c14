package io.flotilla.core.internal.signing;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

import io.flotilla.runtime.InvalidCommandException;

/**
 * A command signed by an operator (docs/protocol.md, "Signed commands"): the command's own JSON
 * text, as it was signed, inside an envelope that says who signed it, for which node and kind of
 * command, when, until when, and with which nonce.
 *
 * <pre>{"signed": {"key": "alice", "node": "alpha", "kind": "spawn", "issued_at": "...", "expires_at": "...",
 *             "nonce": "...", "command": "{\"name\": \"c1\", \"type\": \"counter\"}"},
 *  "signature": "BASE64"}</pre>
 *
 * The signature is Ed25519 over {@link #signedBytes()}: the header lines and then the command text,
 * byte for byte. Nothing is canonicalized, so any language signs it as it is written.
 */
public record SignedCommand(String key, String node, String kind, Instant issuedAt, Instant expiresAt, String nonce,
        String command, byte[] signature) {

    static final String FORM = "flotilla-command/1";

    /** The signed command in {@code document}, if it is one: a document with {@code signed} and nothing but {@code signature}. */
    public static Optional<SignedCommand> of(Map<String, Object> document) {
        if (!document.containsKey("signed")) {
            return Optional.empty();
        }
        if (document.size() != 2 || !(document.get("signed") instanceof Map<?, ?> signed)
                || !(document.get("signature") instanceof String signature)) {
            throw refused("a signed command is an object of two fields: signed (an object) and signature (Base64 text)");
        }
        return Optional.of(new SignedCommand(text(signed, "key"), text(signed, "node"), text(signed, "kind"),
                instant(signed, "issued_at"), instant(signed, "expires_at"), text(signed, "nonce"), text(signed, "command"),
                base64(signature)));
    }

    /** What the signature covers: {@link #FORM} and the header, a line each, then the command text. */
    public byte[] signedBytes() {
        return signedText(key, node, kind, issuedAt, expiresAt, nonce, command).getBytes(StandardCharsets.UTF_8);
    }

    /** The text an operator's key signs, for any signer to build. */
    public static String signedText(String key, String node, String kind, Instant issuedAt, Instant expiresAt, String nonce,
            String command) {
        return String.join("\n", FORM, "key: " + key, "node: " + node, "kind: " + kind, "issued_at: " + issuedAt,
                "expires_at: " + expiresAt, "nonce: " + nonce, command);
    }

    private static String text(Map<?, ?> signed, String field) {
        if (!(signed.get(field) instanceof String value) || value.isEmpty()) {
            throw refused("signed." + field + " is required, as text");
        }
        if (!field.equals("command") && (value.length() > 128 || value.chars().anyMatch(c -> c < 0x21 || c > 0x7e))) {
            throw refused("signed." + field + " must be at most 128 printable characters without spaces");
        }
        return value;
    }

    private static Instant instant(Map<?, ?> signed, String field) {
        String value = text(signed, field);
        try {
            Instant parsed = Instant.parse(value);
            if (!parsed.toString().equals(value)) {
                throw refused("signed." + field + " must be written as " + parsed + ": the signature covers the text");
            }
            return parsed;
        } catch (DateTimeParseException e) {
            throw refused("signed." + field + " must be an ISO-8601 instant in UTC, e.g. 2026-12-03T17:00:00Z");
        }
    }

    private static byte[] base64(String signature) {
        try {
            return Base64.getDecoder().decode(signature);
        } catch (IllegalArgumentException e) {
            throw refused("signature must be Base64");
        }
    }

    static InvalidCommandException refused(String reason) {
        return new InvalidCommandException("signature", reason);
    }
}
