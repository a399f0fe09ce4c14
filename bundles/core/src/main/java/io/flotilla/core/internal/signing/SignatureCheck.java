package io.flotilla.core.internal.signing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

import io.flotilla.spi.fleet.FleetIdentity;
import io.flotilla.util.SignedEnvelope;

/**
 * Whether a signed command may run on this node, checked before anything else happens to it: a
 * signer the node trusts (an operator's key in {@code etc/operators/}, or a node's certificate from
 * the fleet CA), a valid signature, this node, the kind of command it came as and one its signer may
 * issue, within its time (a little clock skew allowed), at most {@link #MAX_LIFETIME} long, and never
 * seen before. Each refusal says which of these failed.
 */
public final class SignatureCheck {

    static final Duration MAX_LIFETIME = Duration.ofMinutes(10);
    static final Duration SKEW = Duration.ofSeconds(60);
    /**
     * Standing orders: published retained, they hold until a newer one replaces them. The one taken
     * last is taken again when it comes again as a retained message, and an older one is refused. The
     * intake runs one that comes retained again whatever its request id: a reconcile is harmless to repeat.
     */
    public static final Set<String> STANDING_KINDS = Set.of("desired_state");

    /** A command that passed: its text, and who signed it ({@code node:NAME} for a node). */
    public record Verified(String command, String signer) {

        /** The node that signed, if a node did. */
        public Optional<String> signingNode() {
            return SignedEnvelope.nodeOf(signer);
        }
    }

    private final String node;
    private final OperatorKeys operators;
    private final FleetIdentity fleet;
    private final NonceLedger nonces;
    private final Clock clock;

    public SignatureCheck(String node, OperatorKeys operators, FleetIdentity fleet, NonceLedger nonces, Clock clock) {
        this.node = node;
        this.operators = operators;
        this.fleet = fleet;
        this.nonces = nonces;
        this.clock = clock;
    }

    /** {@code signed}, which arrived as a command of {@code kind}, once every check passed. */
    public Verified verify(SignedCommand signed, String kind) {
        return verify(signed, kind, false, false);
    }

    /**
     * {@code signed}, which arrived as a command of {@code kind} ({@code asRetained}: as a retained
     * message), once every check passed. The standing order ({@link #STANDING_KINDS}) the node took
     * last is taken again as a retained message, whatever its time and nonce: the broker hands it over
     * at every subscription. One issued before it is refused: it would roll the node back.
     */
    public Verified verify(SignedCommand signed, String kind, boolean asRetained) {
        return verify(signed, kind, asRetained, false);
    }

    /**
     * {@link #verify(SignedCommand, String, boolean)}, for a command the node kept when it came
     * ({@code kept}) and runs after a stop: its nonce may be in the ledger already, taken for it.
     */
    public Verified verify(SignedCommand signed, String kind, boolean asRetained, boolean kept) {
        SignedEnvelope header = signed.header();
        Optional<String> signingNode = signed.signingNode();
        if (signingNode.isPresent()) {
            checkNode(signed, signingNode.get(), kind);
        } else {
            checkOperator(signed, kind);
        }
        if (!header.node().equals(node)) {
            throw SignedCommand.refused("wrong target: signed for node " + header.node() + ", and this is node " + node);
        }
        if (!header.kind().equals(kind)) {
            throw SignedCommand.refused("wrong kind: signed as " + header.kind() + ", sent as " + kind);
        }
        String signature = header.key() + ":" + header.nonce();
        boolean standing = STANDING_KINDS.contains(kind);
        if (standing && asRetained && nonces.isLast(kind, signature)) {
            return new Verified(signed.command(), header.key());
        }
        Optional<Instant> inForce = standing ? nonces.lastIssued(kind) : Optional.empty();
        if (inForce.isPresent() && header.issuedAt().isBefore(inForce.get())) {
            throw SignedCommand.refused("older than the " + kind + " in force: issued at " + header.issuedAt()
                    + ", and the one this node took last at " + inForce.get());
        }
        Instant now = clock.instant();
        if (header.issuedAt().isAfter(now.plus(SKEW))) {
            throw SignedCommand.refused("not yet valid: issued at " + header.issuedAt() + ", and it is " + now + " here");
        }
        if (!header.expiresAt().isAfter(now.minus(SKEW))) {
            throw SignedCommand.refused("expired at " + header.expiresAt() + ", and it is " + now + " here");
        }
        if (header.expiresAt().isBefore(header.issuedAt())
                || Duration.between(header.issuedAt(), header.expiresAt()).compareTo(MAX_LIFETIME) > 0) {
            throw SignedCommand.refused("a signed command is valid for at most " + MAX_LIFETIME.toMinutes()
                    + " minutes, from issued_at to expires_at");
        }
        try {
            if (!nonces.take(kind, signature, header.issuedAt(), header.expiresAt().plus(SKEW), now, standing) && !kept) {
                throw SignedCommand.refused("replayed: nonce " + header.nonce() + " of " + header.key()
                        + " was used already (or is older than the node's record of used nonces)");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("the node's record of used nonces cannot be written", e);
        }
        return new Verified(signed.command(), header.key());
    }

    private void checkOperator(SignedCommand signed, String kind) {
        // Who is trusted is not said to whoever asks: the node's log has it
        OperatorKeys.Operator operator = operators.operator(signed.header().key()).orElseThrow(() -> SignedCommand.refused(
                "unknown key '" + signed.header().key() + "'"));
        if (!valid(signed, operator)) {
            throw SignedCommand.refused("bad signature: the command was not signed by " + operator.name()
                    + "'s key, or was changed after");
        }
        if (!operator.may(kind)) {
            throw SignedCommand.refused("not allowed: " + operator.name() + " may sign " + String.join(", ", operator.kinds())
                    + ", not " + kind);
        }
    }

    /** A node signs only what nodes send each other in a migration, with a certificate the fleet CA gave it. */
    private void checkNode(SignedCommand signed, String signer, String kind) {
        Optional<String> vouched = fleet.signer(signed.certificate(), signed.signedBytes(), signed.signature());
        if (!vouched.map(signer::equals).orElse(false)) {
            throw SignedCommand.refused("bad signature: not signed with node " + signer + "'s certificate from the fleet CA"
                    + " this node trusts (tls.truststore of io.flotilla.mqtt.cfg), or changed after");
        }
        if (!SignedEnvelope.NODE_KINDS.contains(kind)) {
            throw SignedCommand.refused("not allowed: a node signs only " + String.join(", ",
                    new java.util.TreeSet<>(SignedEnvelope.NODE_KINDS)) + ", not " + kind);
        }
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
