package io.flotilla.core.internal.signing;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

import io.flotilla.runtime.InvalidCommandException;
import io.flotilla.util.SignedEnvelope;

/**
 * A command signed by an operator, or by a node during a migration (docs/protocol.md, "Signed
 * commands"): the command's own JSON text, as it was signed, inside an envelope that says who signed
 * it, for which node and kind of command, when, until when, and with which nonce.
 *
 * <pre>{"signed": {"key": "alice", "node": "alpha", "kind": "spawn", "issued_at": "...", "expires_at": "...",
 *             "nonce": "...", "command": "{\"name\": \"c1\", \"type\": \"counter\"}"},
 *  "signature": "BASE64"}</pre>
 *
 * The signature covers {@link SignedEnvelope#signedBytes}: the header lines and then the command
 * text, byte for byte. Nothing is canonicalized, so any language signs it as it is written. A node
 * signs as {@code node:NAME} and adds its fleet certificate, {@code "certificate": "BASE64 DER"}.
 */
public record SignedCommand(SignedEnvelope header, String command, byte[] signature, byte[] certificate) {

    /** The signed command in {@code document}, if it is one: a document with {@code signed} and nothing but its signature. */
    public static Optional<SignedCommand> of(Map<String, Object> document) {
        if (!document.containsKey("signed")) {
            return Optional.empty();
        }
        int fields = document.containsKey("certificate") ? 3 : 2;
        if (document.size() != fields || !(document.get("signed") instanceof Map<?, ?> signed)
                || !(document.get("signature") instanceof String signature)) {
            throw refused("a signed command is an object of two fields, signed (an object) and signature (Base64 text),"
                    + " and a node's certificate");
        }
        String key = text(signed, "key");
        byte[] certificate = null;
        if (key.startsWith(SignedEnvelope.NODE_KEY) != (fields == 3)) {
            throw refused("a command signed by a node (key node:NAME) carries its certificate, and only such a command does");
        }
        if (fields == 3) {
            if (!(document.get("certificate") instanceof String encoded)) {
                throw refused("certificate must be Base64 text");
            }
            certificate = base64("certificate", encoded);
        }
        SignedEnvelope header = new SignedEnvelope(key, text(signed, "node"), text(signed, "kind"),
                instant(signed, "issued_at"), instant(signed, "expires_at"), text(signed, "nonce"));
        return Optional.of(new SignedCommand(header, text(signed, "command"), base64("signature", signature), certificate));
    }

    /** What the signature covers. */
    public byte[] signedBytes() {
        return header.signedBytes(command);
    }

    /** The node that signed, for a command signed as {@code node:NAME}. */
    public Optional<String> signingNode() {
        return SignedEnvelope.nodeOf(header.key());
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

    private static byte[] base64(String field, String value) {
        try {
            return Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            throw refused(field + " must be Base64");
        }
    }

    static InvalidCommandException refused(String reason) {
        return new InvalidCommandException("signature", reason);
    }
}
