package io.flotilla.core.internal.command;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import io.flotilla.runtime.CommandOrigin;
import io.flotilla.util.Hashes;

/**
 * Which commands from the broker wait for an operator's approval ({@code approval.kinds} of
 * {@code io.flotilla.security.cfg}), and for how long: a kind named there is always held;
 * {@code install} holds every command that would install code not on the node yet: a spawn, a
 * desired state with such an entry, an agent moving in with its bundle. Commands of the
 * node's own shell, {@code deploy/} and Java callers are the local operator's and never wait.
 *
 * @param kinds  the command kinds held, and {@code install}
 * @param expiry how long a held command waits for its approval
 */
public record ApprovalPolicy(Set<String> kinds, Duration expiry) {

    /** The pseudo-kind of a spawn that would install code the node does not have yet. */
    public static final String INSTALL = "install";
    /** How the code an agent from source brings is named among the code a command installs: never installed. */
    static final String SOURCE = "source code sha256:";

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
        return kinds.contains(INSTALL)
                && codeOf(admitted).stream().anyMatch(code -> code.startsWith(SOURCE) || !installed.test(code));
    }

    /**
     * The code locations a command would install: a spawn's {@code bundle}, {@code install} and source
     * {@code code}, those of every entry of a desired state, the {@code code} of an agent moving in and its source.
     */
    static List<String> codeOf(Admission admitted) {
        List<String> locations = new ArrayList<>();
        Map<String, Object> body = admitted.body();
        switch (admitted.kind()) {
            case "spawn" -> addSpawnCode(body, locations);
            case "desired_state" -> {
                if (body.get("agents") instanceof List<?> entries) {
                    entries.stream().filter(Map.class::isInstance).forEach(entry -> addSpawnCode((Map<?, ?>) entry, locations));
                }
            }
            case "migrate_in" -> {
                if (body.get("code") instanceof Map<?, ?> code && code.get("location") instanceof String location) {
                    locations.add(location);
                }
                if (body.get("config") instanceof Map<?, ?> config) {
                    addSource(config, locations);
                }
            }
            default -> {
                // no other command installs code
            }
        }
        return locations;
    }

    private static void addSpawnCode(Map<?, ?> spawn, List<String> locations) {
        if (spawn.get("bundle") instanceof String bundle) {
            locations.add(bundle);
        }
        addSource(spawn, locations);
        if (spawn.get("install") instanceof List<?> install) {
            install.forEach(location -> locations.add(String.valueOf(location)));
        }
    }

    /** An agent's source code is code the node does not have yet, whatever else it has: named by its sha256. */
    private static void addSource(Map<?, ?> spawn, List<String> locations) {
        if (spawn.get("code") instanceof String source) {
            locations.add(SOURCE + Hashes.sha256(source.getBytes(StandardCharsets.UTF_8)));
        }
    }
}
