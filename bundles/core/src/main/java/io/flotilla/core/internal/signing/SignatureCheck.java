package io.flotilla.core.internal.signing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Whether a signed command may run on this node, checked before anything else happens to it: a
 * key the node trusts, a valid signature, this node, the kind of command it came as and one its
 * signer may issue, within its time (a little clock skew allowed), at most {@link #MAX_LIFETIME}
 * long, and never seen before. Each refusal says which of these failed.
 */
public final class SignatureCheck {

    static final Duration MAX_LIFETIME = Duration.ofMinutes(10);
    static final Duration SKEW = Duration.ofSeconds(60);

    private final String node;
    private final OperatorKeys operators;
    private final NonceLedger nonces;
    private final Clock clock;

    public SignatureCheck(String node, OperatorKeys operators, NonceLedger nonces, Clock clock) {
        this.node = node;
        this.operators = operators;
        this.nonces = nonces;
        this.clock = clock;
    }

    /** The command text of {@code signed}, which arrived as a command of {@code kind}, once every check passed. */
    public String verify(SignedCommand signed, String kind) {
        // Who is trusted is not said to whoever asks: the node's log has it
        OperatorKeys.Operator operator = operators.operator(signed.key()).orElseThrow(() -> SignedCommand.refused(
                "unknown key '" + signed.key() + "'"));
        if (!valid(signed, operator)) {
            throw SignedCommand.refused("bad signature: the command was not signed by " + operator.name()
                    + "'s key, or was changed after");
        }
        if (!signed.node().equals(node)) {
            throw SignedCommand.refused("wrong target: signed for node " + signed.node() + ", and this is node " + node);
        }
        if (!signed.kind().equals(kind)) {
            throw SignedCommand.refused("wrong kind: signed as " + signed.kind() + ", sent as " + kind);
        }
        if (!operator.may(kind)) {
            throw SignedCommand.refused("not allowed: " + operator.name() + " may sign " + String.join(", ", operator.kinds())
                    + ", not " + kind);
        }
        Instant now = clock.instant();
        if (signed.issuedAt().isAfter(now.plus(SKEW))) {
            throw SignedCommand.refused("not yet valid: issued at " + signed.issuedAt() + ", and it is " + now + " here");
        }
        if (!signed.expiresAt().isAfter(now.minus(SKEW))) {
            throw SignedCommand.refused("expired at " + signed.expiresAt() + ", and it is " + now + " here");
        }
        if (signed.expiresAt().isBefore(signed.issuedAt())
                || Duration.between(signed.issuedAt(), signed.expiresAt()).compareTo(MAX_LIFETIME) > 0) {
            throw SignedCommand.refused("a signed command is valid for at most " + MAX_LIFETIME.toMinutes()
                    + " minutes, from issued_at to expires_at");
        }
        try {
            if (!nonces.take(signed.key() + ":" + signed.nonce(), signed.issuedAt(), signed.expiresAt().plus(SKEW), now)) {
                throw SignedCommand.refused("replayed: nonce " + signed.nonce() + " of " + signed.key()
                        + " was used already (or is older than the node's record of used nonces)");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("the node's record of used nonces cannot be written", e);
        }
        return signed.command();
    }

    private static boolean valid(SignedCommand signed, OperatorKeys.Operator operator) {
        try {
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(operator.key());
            verifier.update(signed.signedBytes());
            return verifier.verify(signed.signature());
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
