package io.flotilla.migration.internal;

import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

import io.flotilla.api.Subscription;
import io.flotilla.spi.fleet.FleetLink;
import io.flotilla.spi.handoff.AgentHandoff;

/**
 * Keeps an agent on one node. Every agent heartbeat carries the agent's epoch, which rises with each
 * move; when another node reports a live copy with a higher epoch than the copy here (a move this
 * node missed the end of while it was down or cut off), the copy here is stale and is discarded.
 */
@Component(immediate = true)
public final class EpochGuard {

    private static final int MAX_HEARTBEAT_BYTES = 64 * 1024;

    private final AgentHandoff handoff;
    private final String self;
    private final WireJson json = new WireJson();
    private final Subscription heartbeats;

    @Activate
    public EpochGuard(@Reference AgentHandoff handoff, @Reference FleetLink fleet) {
        this.handoff = handoff;
        this.self = fleet.topics().node();
        this.heartbeats = fleet.subscribe(fleet.topics().everyAgent("heartbeat"), (topic, payload, retained) -> check(payload));
    }

    @Deactivate
    void deactivate() {
        heartbeats.close();
    }

    /** On the delivery thread; discarding only signals the agent, it does not wait. */
    private void check(byte[] payload) {
        Map<String, Object> beat;
        try {
            beat = json.object(payload, MAX_HEARTBEAT_BYTES);
        } catch (IllegalArgumentException unreadable) {
            return; // the registry reports broken heartbeats; nothing to guard here
        }
        if (!(beat.get("name") instanceof String name) || !(beat.get("epoch") instanceof Number epoch)
                || self.equals(beat.get("node")) || "stopped".equals(beat.get("state")) || "failed".equals(beat.get("state"))) {
            return;
        }
        if (handoff.epoch(name).orElse(Long.MAX_VALUE) < epoch.longValue()) {
            handoff.discardStale(name, epoch.longValue());
        }
    }
}
