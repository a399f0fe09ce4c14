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
 * another installation ({@code node_id}) left there when it connected, which the broker hands over
 * again with every subscription, so on every connect before the node says it is online.
 *
 * <p>The proof of a twin is a takeover, twice by one installation: this node had said it was online,
 * lost its connection, and on connecting again finds, retained, another installation's online
 * status, put there since by a node that connected with its name and so dropped it. A status merely
 * found there (a session long gone) or published while this node holds the session (anyone may
 * publish on an open broker) proves nothing, and the node says its own status again over it. Of
 * the two, the one that came first ({@code since}, then {@code node_id}, so that exactly one gives
 * way) keeps the name; the other says so and stops the node. A node that goes on says its status again when another's goodbye or Will
 * covered it. On the connection's threads.
 */
final class NameClaim implements FleetMessageHandler, FleetConnection.Listener {

    private static final Logger LOG = LoggerFactory.getLogger(NameClaim.class);

    private final String node;
    private final String nodeId;
    private final LongSupplier since;
    private final Wire wire;
    private final Runnable reannounce;
    private final Consumer<String> giveWay;
    private final AtomicBoolean announced = new AtomicBoolean();
    // Lost the connection since it last said it was online: what the next connect finds there is news.
    private final AtomicBoolean reconnecting = new AtomicBoolean();
    private final AtomicBoolean givenWay = new AtomicBoolean();
    private final AtomicBoolean warned = new AtomicBoolean();
    // The installation of the last takeover, and how many it made in a row. Under this object's lock.
    private String taker;
    private int takeovers;

    /** Takeovers by one installation that make the one that came second give way: a twin keeps making them. */
    static final int TAKEOVERS_TO_GIVE_WAY = 2;

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

    private synchronized int tookOver(String installation) {
        takeovers = installation.equals(taker) ? takeovers + 1 : 1;
        taker = installation;
        return takeovers;
    }

    @Override
    public void connected(long incarnation) {
        // the statuses of this connect come before this node's own, which ends the takeover's window
    }

    @Override
    public void disconnected() {
        reconnecting.set(announced.get());
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
            if (online) {
                announced.set(true);
                reconnecting.set(false);
            }
            return;
        }
        if (!announced.get()) {
            return;
        }
        if (online && (!reconnecting.get() || !retained || theirSince.longValue() <= 0)) {
            // Published while this node holds the session: no twin's, whoever sent it; the status is this node's
            LOG.debug("An online status of installation {} for node {} while this node holds the session", theirs, node);
            reannounce.run();
            return;
        }
        boolean theyCameFirst = theirSince.longValue() < since.getAsLong()
                || theirSince.longValue() == since.getAsLong() && theirs.compareTo(nodeId) < 0;
        if (online && theyCameFirst) {
            int times = tookOver(theirs);
            if (times < TAKEOVERS_TO_GIVE_WAY) {
                LOG.warn("Node name {}: installation {} connected with this name and dropped this node (incarnation {});"
                        + " should it again, this node gives way", node, theirs, status.get("incarnation"));
            } else if (givenWay.compareAndSet(false, true)) {
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
