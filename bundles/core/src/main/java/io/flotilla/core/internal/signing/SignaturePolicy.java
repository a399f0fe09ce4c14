package io.flotilla.core.internal.signing;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import io.flotilla.runtime.InvalidCommandException;

/**
 * Which commands from the broker must be signed ({@code security.mode} of
 * {@code io.flotilla.security.cfg}): in {@code open} mode none, as the Wactorz protocol has it, and a
 * signed one is still checked; in {@code signed} mode all but {@link #READING_KINDS}. Commands
 * from the node's own shell, its {@code deploy/} folder and Java callers are the local operator's,
 * and never need one.
 */
public final class SignaturePolicy {

    /** Whether unsigned commands that change the node are taken. */
    public enum Mode {
        OPEN,
        SIGNED;

        /** {@code open} or {@code signed}, any case. */
        public static Mode of(String text) {
            try {
                return valueOf(text.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("security mode must be open or signed, not '" + text + "'");
            }
        }
    }

    /**
     * What only reads a node, and so needs no signature in {@code signed} mode; everything else does,
     * the messages nodes send each other during a migration included (signed by the sending node).
     */
    public static final Set<String> READING_KINDS = Set.of("list", "ping");

    private final Mode mode;
    private final SignatureCheck check;

    /** @param check the check of signed commands; null for a node that trusts no signer at all */
    public SignaturePolicy(Mode mode, SignatureCheck check) {
        this.mode = mode;
        this.check = check;
    }

    /** Open, trusting no operator: the node as it was before signed commands. */
    public static SignaturePolicy open() {
        return new SignaturePolicy(Mode.OPEN, null);
    }

    public Mode mode() {
        return mode;
    }

    /**
     * The command a document from the broker carries: the signed command once verified, or empty for
     * an unsigned document this mode takes as it is.
     *
     * @throws InvalidCommandException naming the reason, for a signed command that fails its check
     *                                 or an unsigned one this mode refuses
     */
    public Optional<SignatureCheck.Verified> unwrap(String kind, java.util.Map<String, Object> document, boolean retained,
            boolean kept) {
        Optional<SignedCommand> signed = SignedCommand.of(document);
        if (signed.isPresent()) {
            if (check == null) {
                throw SignedCommand.refused("unknown key '" + signed.get().header().key() + "'");
            }
            return Optional.of(check.verify(signed.get(), kind, retained, kept));
        }
        if (mode == Mode.SIGNED && !READING_KINDS.contains(kind)) {
            throw SignedCommand.refused("unsigned: this node takes " + kind + " only signed by an operator "
                    + "(security.mode = signed; docs/protocol.md, \"Signed commands\")");
        }
        return Optional.empty();
    }
}
