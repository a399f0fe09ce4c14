package io.flotilla.mqtt.internal;

/**
 * The topic layout of the Wactorz remote-node protocol, under an optional prefix: {@code nodes/{n}/...},
 * {@code agents/{id}/...}, {@code agents/by-name/{name}/task}.
 */
final class Topics {

    private final String prefix;
    private final String node;

    Topics(String prefix, String node) {
        this.prefix = prefix.isEmpty() || prefix.endsWith("/") ? prefix : prefix + "/";
        this.node = node;
    }

    String node() {
        return node;
    }

    /** {@code nodes/{this node}/{suffix}}. */
    String own(String suffix) {
        return ofNode(node, suffix);
    }

    /** {@code nodes/{node}/{suffix}}. */
    String ofNode(String name, String suffix) {
        return prefix + "nodes/" + name + "/" + suffix;
    }

    /** {@code nodes/+/{suffix}}: that topic of every node. */
    String everyNode(String suffix) {
        return prefix + "nodes/+/" + suffix;
    }

    /** {@code agents/{actorId}/{suffix}}. */
    String agent(String actorId, String suffix) {
        return prefix + "agents/" + actorId + "/" + suffix;
    }

    /** {@code agents/by-name/{name}/task}. */
    String task(String agentName) {
        return prefix + "agents/by-name/" + agentName + "/task";
    }

    /** {@code agents/by-name/+/task}. */
    String everyTask() {
        return prefix + "agents/by-name/+/task";
    }

    /** The level after {@code nodes/} or {@code agents/by-name/} in {@code topic}, or null. */
    String nameIn(String topic) {
        String rest = topic.startsWith(prefix) ? topic.substring(prefix.length()) : topic;
        String[] levels = rest.split("/");
        if (levels.length >= 3 && "nodes".equals(levels[0])) {
            return levels[1];
        }
        if (levels.length >= 4 && "agents".equals(levels[0]) && "by-name".equals(levels[1])) {
            return levels[2];
        }
        return null;
    }

    /** The last level of {@code topic}. */
    static String last(String topic) {
        return topic.substring(topic.lastIndexOf('/') + 1);
    }
}
