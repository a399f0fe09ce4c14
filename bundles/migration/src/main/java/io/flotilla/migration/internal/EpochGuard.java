package io.flotilla.migration.internal;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.flotilla.api.Subscription;
import io.flotilla.spi.fleet.FleetLink;
import io.flotilla.spi.handoff.AgentHandoff;

/**
 * Watches for an agent that runs twice in the fleet: every agent heartbeat carries the agent's epoch,
 * which rises with each move, and a live copy elsewhere with a higher epoch than the copy here means
 * two copies run (a move whose end this node missed, or a forged heartbeat). Heartbeats can be
 * written by any member of the fleet, so this node never acts on one: it reports the conflict, once
 * per agent and minute at most, on {@code nodes/{n}/errors} and in its log, and the copy here runs on until an
 * operator stops it or the agent is moved. Only a migration this node takes part in ends a copy here.
 */
@Component(immediate = true)
public final class EpochGuard {

    private static final Logger LOG = LoggerFactory.getLogger(EpochGuard.class);
    private static final int MAX_HEARTBEAT_BYTES = 64 * 1024;
    /** At most one report per agent of this node in this time: forged heartbeats cannot flood the errors. */
    private static final long REPORT_EVERY_MILLIS = 60_000;

    private final AgentHandoff handoff;
    private final OutgoingMoves moves;
    private final FleetLink fleet;
    private final String self;
    private final WireJson json = new WireJson();
    // Keyed by the names of this node's agents only: bounded by them, whatever the heartbeats name.
    private final Map<String, Long> reportedAt = new ConcurrentHashMap<>();
    private final Subscription heartbeats;

    @Activate
    public EpochGuard(@Reference AgentHandoff handoff, @Reference OutgoingMoves moves, @Reference FleetLink fleet) {
        this.handoff = handoff;
        this.moves = moves;
        this.fleet = fleet;
        this.self = fleet.topics().node();
        this.heartbeats = fleet.subscribe(fleet.topics().everyAgent("heartbeat"), (topic, payload, retained) -> check(payload));
    }

    @Deactivate
    void deactivate() {
        heartbeats.close();
    }

    /** On the delivery thread. */
    private void check(byte[] payload) {
        Map<String, Object> beat;
        try {
            beat = json.object(payload, MAX_HEARTBEAT_BYTES);
        } catch (IllegalArgumentException unreadable) {
            return; // the registry reports broken heartbeats; nothing to guard here
        }
        if (!(beat.get("name") instanceof String name) || !(beat.get("epoch") instanceof Number epoch)
                || !(beat.get("node") instanceof String node) || self.equals(node)
                || "stopped".equals(beat.get("state")) || "failed".equals(beat.get("state"))) {
            return;
        }
        if (moves.outgoing(name).map(move -> move.target().equals(node)).orElse(false)) {
            return; // the target of a move from here runs its copy before this one is released: no conflict
        }
        long here = handoff.epoch(name).orElse(Long.MAX_VALUE);
        if (here < epoch.longValue() && dueForReport(name)) {
            report(name, node, epoch.longValue(), here);
        }
    }

    private boolean dueForReport(String agent) {
        long now = System.currentTimeMillis();
        Long last = reportedAt.get(agent);
        return (last == null || now - last >= REPORT_EVERY_MILLIS)
                && (last == null ? reportedAt.putIfAbsent(agent, now) == null : reportedAt.replace(agent, last, now));
    }

    private void report(String agent, String node, long epoch, long here) {
        String error = "agent " + agent + " also runs on node " + node + " at epoch " + epoch + ", newer than this node's "
                + "copy (epoch " + here + "); this copy runs on: stop it here (agent:stop), or move it";
        LOG.warn("{}", error);
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("node", self);
        message.put("agent", agent);
        message.put("error", error);
        message.put("timestamp", Instant.now().toEpochMilli() / 1000.0);
        fleet.publish(fleet.topics().own("errors"), message, false);
    }
}
