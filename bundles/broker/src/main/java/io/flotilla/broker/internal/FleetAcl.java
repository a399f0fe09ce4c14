package io.flotilla.broker.internal;

import java.util.List;
import java.util.Set;

/**
 * Who may read and write which topic at the embedded broker: the rules of the Mosquitto ACL the
 * assembly ships ({@code etc/mosquitto/acl}), with each client known by its certificate's CN. A
 * node has its own {@code nodes/NAME/} topics, reads the others' presence and heartbeats, writes
 * the node-to-node topics of a migration and replies, and reads and writes {@code agents/}; an
 * operator may do anything. A subscription is allowed only when every topic it can match is
 * readable, so a node asking for more than its rules give is refused at once (SUBACK 0x80), not
 * quietly starved.
 */
final class FleetAcl {

    /**
     * The name of a client of the enrollment listener, which presented no certificate: it may send
     * a pairing request and read the answers, nothing else. No certificate can carry it ('$' is in
     * no node name).
     */
    static final String ENROLLEE = "$enrollee";

    /** What a client wants to do with a topic. */
    enum Access {
        READ,
        WRITE,
        /** Anything else (managing the broker): operators only. */
        NONE
    }

    /** One rule: a topic filter, {@code %u} standing for the client's name. */
    private static final java.util.regex.Pattern NODE_NAME = java.util.regex.Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9_.-]{0,63}");

    private record Rule(String pattern, boolean read, boolean write) {
    }

    private static final List<Rule> NODE_RULES = List.of(
            new Rule("nodes/%u/#", true, true),
            new Rule("nodes/+/status", true, false),
            new Rule("nodes/+/heartbeat", true, false),
            new Rule("nodes/+/migrate", false, true),
            new Rule("nodes/+/migrate_in", false, true),
            new Rule("nodes/+/migrate_abort", false, true),
            new Rule("nodes/+/task_forward", false, true),
            new Rule("nodes/+/code_request", false, true),
            new Rule("nodes/+/reply", false, true),
            new Rule("nodes/+/reply/#", false, true),
            new Rule("agents/#", true, true),
            new Rule("replies/#", false, true),
            new Rule("replies/%u/#", true, false));

    /** Pairing, outside the fleet's prefix: members read the requests, and the CA holder answers. */
    private static final List<Rule> PAIRING_RULES = List.of(
            new Rule("pairing/requests/+", true, false),
            new Rule("pairing/replies/+", false, true));

    private static final List<Rule> ENROLLEE_RULES = List.of(
            new Rule("pairing/requests/+", false, true),
            new Rule("pairing/replies/+", true, false));

    private final String prefix;
    private final Set<String> operators;

    /**
     * @param prefix    the topic prefix of the fleet ({@code topic.prefix}), empty for none
     * @param operators the names of the clients that may do anything
     */
    FleetAcl(String prefix, Set<String> operators) {
        this.prefix = prefix.isEmpty() || prefix.endsWith("/") ? prefix : prefix + "/";
        this.operators = Set.copyOf(operators);
    }

    /** Whether {@code name} is an operator's, who may do anything. */
    boolean isOperator(String name) {
        return operators.contains(name);
    }

    /** Whether client {@code name} may {@code access} {@code topic}, a topic or, to read, a filter. */
    boolean allows(String name, Access access, String topic) {
        if (ENROLLEE.equals(name)) {
            // The last level is a node name: a stranger makes no other topics
            String level = topic.substring(topic.lastIndexOf('/') + 1);
            return access != Access.NONE && (level.equals("+") || NODE_NAME.matcher(level).matches())
                    && matches(ENROLLEE_RULES, "", name, access, topic);
        }
        if (name == null || name.isEmpty() || name.contains("/") || name.contains("+") || name.contains("#")) {
            return false;
        }
        if (operators.contains(name)) {
            return true;
        }
        if (access == Access.NONE) {
            return false;
        }
        return matches(NODE_RULES, prefix, name, access, topic) || matches(PAIRING_RULES, "", name, access, topic);
    }

    private static boolean matches(List<Rule> rules, String prefix, String name, Access access, String topic) {
        for (Rule rule : rules) {
            if (access == Access.READ ? !rule.read() : !rule.write()) {
                continue;
            }
            String pattern = prefix + rule.pattern().replace("%u", name);
            if (covers(pattern.split("/", -1), topic.split("/", -1))) {
                return true;
            }
        }
        return false;
    }

    /** Whether every topic {@code filter} matches is matched by {@code rule}. */
    static boolean covers(String[] rule, String[] filter) {
        for (int i = 0; i < rule.length; i++) {
            if (rule[i].equals("#")) {
                return true; // the rest, whatever it is
            }
            if (i >= filter.length) {
                return false;
            }
            if (filter[i].equals("#")) {
                return false; // the filter reaches further than the rule does
            }
            if (!rule[i].equals("+") && !rule[i].equals(filter[i])) {
                return false; // a literal covers only itself; "+" in the filter is wider than it
            }
        }
        return rule.length == filter.length;
    }
}
