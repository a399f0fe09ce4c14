package io.flotilla.core.internal.command;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Predicate;

import io.flotilla.runtime.CommandApprovals.PendingCommand;
import io.flotilla.runtime.CommandResult;

/**
 * The commands the intake holds for an operator's approval, each with where its result goes, until
 * it is approved, rejected or out of time. Used on the intake's thread only; {@link #pending()} is
 * read from others, hence synchronized.
 */
final class ApprovalDesk {

    /** At most this many commands wait: more are refused, so that nobody fills the node with them. */
    static final int MAX_HELD = 100;

    /** A held command. */
    record Held(PendingCommand pending, Admission admitted, Consumer<CommandResult> onResult) {
    }

    private final ApprovalPolicy policy;
    private final Predicate<String> installed;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Held> held = new LinkedHashMap<>();

    /** @param installed whether a bundle of that location is installed on the node */
    ApprovalDesk(ApprovalPolicy policy, Predicate<String> installed, Clock clock) {
        this.policy = policy;
        this.installed = installed;
        this.clock = clock;
    }

    boolean holds(Admission admitted) {
        return policy.holds(admitted, installed);
    }

    /** Holds {@code admitted}; refused when {@link #MAX_HELD} wait already. */
    synchronized Held hold(Admission admitted, Consumer<CommandResult> onResult) {
        if (held.size() >= MAX_HELD) {
            throw new IllegalStateException(MAX_HELD + " commands wait for an operator's approval already: "
                    + "approve or reject some (agent:pending)");
        }
        byte[] bytes = new byte[6];
        random.nextBytes(bytes);
        String id = HexFormat.of().formatHex(bytes);
        Instant now = clock.instant();
        String origin = admitted.origin().source() + (admitted.signer() == null ? ", unsigned" : ", signed by "
                + admitted.signer());
        Held entry = new Held(new PendingCommand(id, admitted.kind(), summary(admitted), origin, now,
                now.plus(policy.expiry())), admitted, onResult);
        held.put(id, entry);
        return entry;
    }

    synchronized Optional<Held> take(String id) {
        return Optional.ofNullable(held.remove(id));
    }

    /** Takes the commands whose time ran out. */
    synchronized List<Held> expired() {
        Instant now = clock.instant();
        List<Held> out = new ArrayList<>();
        held.values().removeIf(entry -> {
            boolean over = !entry.pending().expires().isAfter(now);
            if (over) {
                out.add(entry);
            }
            return over;
        });
        return out;
    }

    synchronized List<PendingCommand> pending() {
        return held.values().stream().map(Held::pending).toList();
    }

    /** The agent a command names and the code it installs, in a line. */
    private static String summary(Admission admitted) {
        StringBuilder line = new StringBuilder(admitted.kind());
        Object name = admitted.body().get("name");
        if (name != null) {
            line.append(' ').append(name);
        }
        if (admitted.body().get("type") instanceof String type) {
            line.append(" (type ").append(type).append(')');
        }
        List<String> code = ApprovalPolicy.codeOf(admitted);
        if (!code.isEmpty()) {
            line.append(", installs ").append(String.join(", ", code));
        }
        if (admitted.body().get("target_node") instanceof String target) {
            line.append(" to node ").append(target);
        }
        String text = line.toString();
        return text.length() > 300 ? text.substring(0, 300) + "…" : text;
    }
}
