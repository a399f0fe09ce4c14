package io.flotilla.mqtt.internal;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.flotilla.api.AgentInfo;
import io.flotilla.runtime.AgentManager;
import io.flotilla.runtime.NodeIdentity;
import io.flotilla.spi.fleet.FleetTopics;
import io.flotilla.util.DaemonThreads;

/**
 * The node's heartbeat on {@code nodes/{n}/heartbeat} and its agents' on
 * {@code nodes/{n}/agent_heartbeats}, one message for up to {@value #BATCH} of them, every heartbeat interval of the
 * node ({@link NodeIdentity#heartbeatInterval()}) and at once on every (re)connect. A message per
 * agent per interval was 20,000 messages every 10 s for a node of 20,000 agents, enough to fill a
 * broker's queues; each agent's own topic has its heartbeat on every change of state
 * ({@link AgentEventPublisher}), and, with {@code agent.heartbeats = each}, every interval too.
 */
@Component(immediate = true, configurationPid = MqttConfig.PID)
public final class Heartbeats implements FleetConnection.Listener {

    private static final Logger LOG = LoggerFactory.getLogger(Heartbeats.class);
    /**
     * Agents per batch message: about 40 KB, well under what brokers treat as a large message
     * (Artemis: 100 KiB, kept in files of their own); a node of 3,000 agents sends 12 parts.
     */
    static final int BATCH = 250;

    private final FleetConnection fleet;
    private final AgentManager agents;
    private final NodeIdentity node;
    private final FleetTopics topics;
    private final Wire wire = new Wire(Clock.systemUTC());
    private final String nodeId;
    private final double interval;
    private final ScheduledExecutorService timer;
    private final boolean eachAgent;
    /** This build of Flotilla: the version of the bundle that sends the heartbeats. */
    private final String version;

    @Activate
    public Heartbeats(MqttConfig config, @Reference FleetConnection fleet, @Reference AgentManager agents,
            @Reference NodeIdentity node) {
        this.eachAgent = "each".equalsIgnoreCase(config.agent_heartbeats().trim());
        Bundle bundle = FrameworkUtil.getBundle(Heartbeats.class);
        this.version = bundle == null ? null : bundle.getVersion().toString();
        this.fleet = fleet;
        this.agents = agents;
        this.node = node;
        this.topics = fleet.topics();
        this.interval = node.heartbeatInterval().toMillis() / 1000.0;
        this.nodeId = NodeIds.of(NodeIds.file(node.dataDirectory()));
        this.timer = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("flotilla-heartbeat"));
        long millis = Math.round(interval * 1000);
        timer.scheduleAtFixedRate(this::beat, millis, millis, TimeUnit.MILLISECONDS);
        fleet.addListener(this);
    }

    @Deactivate
    void deactivate() {
        fleet.removeListener(this);
        timer.shutdownNow();
    }

    @Override
    public void connected(long incarnation) {
        try {
            timer.execute(this::beat);
        } catch (RejectedExecutionException stopping) {
            LOG.debug("Connected while stopping; no heartbeat");
        }
    }

    private void beat() {
        if (!fleet.isConnected()) {
            return; // a heartbeat is news of now: none is buffered for later
        }
        try {
            List<AgentInfo> all = agents.list();
            Object now = wire.now();
            fleet.publish(topics.own("heartbeat"), nodeHeartbeat(all), false);
            List<Map<String, Object>> beats = all.stream().map(agent -> AgentEventPublisher.heartbeat(agent, now)).toList();
            int parts = Math.max(1, (beats.size() + BATCH - 1) / BATCH);
            for (int part = 0; part < parts; part++) {
                Map<String, Object> batch = new LinkedHashMap<>();
                batch.put("node", node.name());
                batch.put("timestamp", now);
                batch.put("part", part + 1);
                batch.put("parts", parts);
                batch.put("agents", beats.subList(part * BATCH, Math.min(beats.size(), (part + 1) * BATCH)));
                batch.put("agent_count", beats.size());
                fleet.publish(topics.own("agent_heartbeats"), batch, false);
            }
            if (eachAgent) {
                for (Map<String, Object> beat : beats) {
                    fleet.publish(topics.agent(String.valueOf(beat.get("actor_id")), "heartbeat"), beat, false);
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("Heartbeat failed", e);
        }
    }

    private Map<String, Object> nodeHeartbeat(List<AgentInfo> all) {
        Map<String, Object> beat = new LinkedHashMap<>();
        beat.put("node", node.name());
        beat.put("node_id", nodeId);
        beat.put("timestamp", wire.now());
        beat.put("agents", all.stream().map(AgentInfo::name).toList());
        beat.put("agent_count", all.size());
        beat.put("broker", fleet.broker());
        beat.put("uptime_s", SystemLoad.uptimeSeconds());
        beat.put("cpu_pct", SystemLoad.cpuPercent());
        beat.put("mem_used_mb", SystemLoad.memoryUsedMb());
        beat.put("heap_used_mb", SystemLoad.heapUsedMb());
        beat.put("capabilities", node.capabilities());
        beat.put("incarnation", fleet.incarnation());
        beat.put("heartbeat_interval", interval);
        if (version != null) {
            beat.put("version", version);
        }
        Map<String, Object> identity = fleet.identity();
        if (!identity.isEmpty()) {
            beat.put("certificate", identity);
        }
        return beat;
    }
}
