package io.flotilla.core.internal.command;

import java.time.Duration;
import java.util.Set;
import java.util.function.Predicate;

import io.flotilla.runtime.CommandOrigin;

/**
 * Which commands from the broker wait for an operator's approval ({@code approval.kinds} of
 * {@code io.flotilla.security.cfg}), and for how long: a kind named there is always held;
 * {@code install} holds the spawns that name code not installed on the node yet. Commands of the
 * node's own shell, {@code deploy/} and Java callers are the local operator's and never wait.
 *
 * @param kinds  the command kinds held, and {@code install}
 * @param expiry how long a held command waits for its approval
 */
public record ApprovalPolicy(Set<String> kinds, Duration expiry) {

    /** The pseudo-kind of a spawn that would install code the node does not have yet. */
    public static final String INSTALL = "install";

    public ApprovalPolicy {
        kinds = Set.copyOf(kinds);
    }

    /** Nothing waits: every admitted command runs at once. */
    public static ApprovalPolicy none() {
        return new ApprovalPolicy(Set.of(), Duration.ofMinutes(10));
    }

    /** Whether {@code admitted} waits for an approval; {@code installed} says whether a location is on the node. */
    boolean holds(Admission admitted, Predicate<String> installed) {
        if (kinds.isEmpty() || admitted.origin().channel() != CommandOrigin.Channel.MQTT) {
            return false;
        }
        if (kinds.contains(admitted.kind())) {
            return true;
        }
        return kinds.contains(INSTALL) && "spawn".equals(admitted.kind())
                && codeOf(admitted).stream().anyMatch(installed.negate());
    }

    /** The locations a spawn names: its {@code bundle} and what it {@code install}s. */
    static java.util.List<String> codeOf(Admission admitted) {
        java.util.List<String> locations = new java.util.ArrayList<>();
        if (admitted.body().get("bundle") instanceof String bundle) {
            locations.add(bundle);
        }
        if (admitted.body().get("install") instanceof java.util.List<?> install) {
            install.forEach(location -> locations.add(String.valueOf(location)));
        }
        return locations;
    }
}
