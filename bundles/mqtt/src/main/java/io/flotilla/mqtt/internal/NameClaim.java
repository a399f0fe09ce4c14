package io.flotilla.mqtt.internal;

import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.flotilla.mqtt.internal.Wire.MalformedPayload;
import io.flotilla.spi.fleet.FleetMessageHandler;

/**
 * Keeps two installations from holding one node name. They share one broker session (the client id
 * is the name's), so each connect of one drops the other, which connects again: the two would take
 * turns forever. Each sees the other only in its own {@code status} topic: the retained status
 * another installation ({@code node_id}) left there when it connected. Before this node has said it
 * is online, such a status may be a session long gone, and is let be; after, it can only come from a
 * node that connected with this name since, so it is alive. Of the two, the one that came first
 * ({@code since}, then {@code node_id}, so that exactly one gives way) keeps the name; the other says
 * so and stops the node. A node that goes on says its status again when another's goodbye or Will
 * covered it.
 * On the connection's delivery thread.
 */
final class NameClaim implements FleetMessageHandler {

    private static final Logger LOG = LoggerFactory.getLogger(NameClaim.class);

    private final String node;
    private final String nodeId;
    private final LongSupplier since;
    private final Wire wire;
    private final Runnable reannounce;
    private final Consumer<String> giveWay;
    private final AtomicBoolean announced = new AtomicBoolean();
    private final AtomicBoolean givenWay = new AtomicBoolean();
    private final AtomicBoolean warned = new AtomicBoolean();

    /**
     * @param since      the incarnation this process first connected with
     * @param reannounce says this node's online status again
     * @param giveWay    stops the node, with why
     */
    NameClaim(String node, String nodeId, LongSupplier since, Wire wire, Runnable reannounce, Consumer<String> giveWay) {
        this.node = node;
        this.nodeId = nodeId;
        this.since = since;
        this.wire = wire;
        this.reannounce = reannounce;
        this.giveWay = giveWay;
    }

    @Override
    public void onMessage(String topic, byte[] payload, boolean retained) {
        Map<String, Object> status;
        try {
            status = payload.length == 0 ? Map.of() : wire.object(payload);
        } catch (MalformedPayload e) {
            return;
        }
        if (!(status.get("node_id") instanceof String theirs) || !(status.get("since") instanceof Number theirSince)) {
            return; // a node from before statuses named their installation, or not a node's: nothing to compare
        }
        boolean online = "online".equals(status.get("status"));
        if (theirs.equals(nodeId)) {
            announced.compareAndSet(false, online);
            return;
        }
        if (!announced.get()) {
            return;
        }
        boolean theyCameFirst = theirSince.longValue() < since.getAsLong()
                || theirSince.longValue() == since.getAsLong() && theirs.compareTo(nodeId) < 0;
        if (online && theyCameFirst) {
            if (givenWay.compareAndSet(false, true)) {
                String why = "node name " + node + " is already online (incarnation " + status.get("incarnation")
                        + ", node id " + theirs + "): this node stops; start it with another --name";
                LOG.error("{}", why);
                giveWay.accept(why);
            }
        } else if (online) {
            if (warned.compareAndSet(false, true)) {
                LOG.warn("Node name {} is claimed by another installation too (node id {}, incarnation {}); this node"
                        + " came first and keeps it, the other stops", node, theirs, status.get("incarnation"));
            }
        } else if (!online && !givenWay.get()) {
            reannounce.run(); // another's goodbye or Will, retained, says this node's name is offline
        }
    }
}
