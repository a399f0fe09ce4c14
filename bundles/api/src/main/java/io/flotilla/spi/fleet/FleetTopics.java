package io.flotilla.spi.fleet;

/**
 * The topic layout of the Wactorz remote-node protocol, under an optional prefix: {@code nodes/{n}/...},
 * {@code agents/{id}/...}, {@code agents/by-name/{name}/task}. Seen from one node, {@link #node()}.
 */
public final class FleetTopics {

    private final String prefix;
    private final String node;

    public FleetTopics(String prefix, String node) {
        this.prefix = prefix.isEmpty() || prefix.endsWith("/") ? prefix : prefix + "/";
        this.node = node;
    }

    public String node() {
        return node;
    }

    /** {@code nodes/{this node}/{suffix}}. */
    public String own(String suffix) {
        return ofNode(node, suffix);
    }

    /** {@code nodes/{node}/{suffix}}. */
    public String ofNode(String name, String suffix) {
        return prefix + "nodes/" + name + "/" + suffix;
    }

    /** {@code nodes/+/{suffix}}: that topic of every node. */
    public String everyNode(String suffix) {
        return prefix + "nodes/+/" + suffix;
    }

    /** {@code agents/{actorId}/{suffix}}. */
    public String agent(String actorId, String suffix) {
        return prefix + "agents/" + actorId + "/" + suffix;
    }

    /** {@code agents/+/{suffix}}: that topic of every agent. */
    public String everyAgent(String suffix) {
        return prefix + "agents/+/" + suffix;
    }

    /**
     * {@code nodes/{this node}/reply}: where replies to this node's requests come, each naming its
     * request in {@code request_id}. One topic for all: a broker such as Artemis makes an address
     * for every distinct topic, so a topic per request would cost it memory and time on every ask.
     */
    public String replies() {
        return own("reply");
    }

    /**
     * {@code nodes/{this node}/reply/+}: the reply topics of requests to peers that reply without a
     * request id (Wactorz runners), one topic each, the last level naming the request.
     */
    public String repliesByTopic() {
        return own("reply/+");
    }

    /** {@code agents/by-name/{name}/task}. */
    public String task(String agentName) {
        return prefix + "agents/by-name/" + agentName + "/task";
    }

    /** The level after {@code nodes/} or {@code agents/by-name/} in {@code topic}, or null. */
    public String nameIn(String topic) {
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
}
