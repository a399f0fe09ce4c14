package io.flotilla.dashboard.internal;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.flotilla.api.Subscription;
import io.flotilla.runtime.AgentManager;
import io.flotilla.runtime.FleetRegistry;
import io.flotilla.runtime.NodeIdentity;
import io.flotilla.spi.fleet.FleetLink;
import io.flotilla.spi.fleet.FleetTopics;
import io.flotilla.util.DaemonThreads;

/**
 * Keeps the dashboard's {@link FleetModel} current while the dashboard is served: subscribes to the
 * fleet's agent topics and polls the node's registry and agent manager on a thread of its own.
 * Activated with the dashboard's servlets, so a node that serves no dashboard pays nothing.
 */
@Component(service = FleetFeed.class, configurationPid = DashboardConfig.PID)
public final class FleetFeed {

    private static final Logger LOG = LoggerFactory.getLogger(FleetFeed.class);

    private final FleetModel model = new FleetModel();
    private final FleetMessages messages;
    private final FleetPoll poll;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            DaemonThreads.named("flotilla-dashboard-feed"));
    private final List<Subscription> subscriptions = new ArrayList<>();
    private final AtomicBoolean failing = new AtomicBoolean();

    @Activate
    public FleetFeed(DashboardConfig config, @Reference FleetRegistry registry, @Reference AgentManager agents,
            @Reference FleetLink fleet, @Reference NodeIdentity node) {
        this.messages = new FleetMessages(model, node.name(), Clock.systemUTC());
        this.poll = new FleetPoll(model, messages, registry, agents, node.name(), Clock.systemUTC());
        FleetTopics topics = fleet.topics();
        subscriptions.add(fleet.subscribe(topics.everyAgent("heartbeat"), (topic, payload, retained) -> messages.heartbeat(payload)));
        subscriptions.add(fleet.subscribeLatest(topics.everyNode("agent_heartbeats"), (topic, payload, retained) -> messages.batch(payload)));
        subscriptions.add(fleet.subscribe(topics.everyAgent("errors"), (topic, payload, retained) -> messages.error(payload)));
        subscriptions.add(fleet.subscribe(topics.everyAgent("logs"), (topic, payload, retained) -> messages.log(payload)));
        subscriptions.add(fleet.subscribe(topics.everyAgent("alert"), (topic, payload, retained) -> messages.alert(payload)));
        subscriptions.add(fleet.subscribe(topics.everyAgent("manifest"), (topic, payload, retained) -> messages.manifest(payload)));
        long period = Math.max(50, Math.round(config.push_interval() * 1000));
        timer.scheduleWithFixedDelay(this::poll, 0, period, TimeUnit.MILLISECONDS);
    }

    @Deactivate
    void deactivate() {
        subscriptions.forEach(Subscription::close);
        timer.shutdownNow();
    }

    FleetModel model() {
        return model;
    }

    FleetMessages messages() {
        return messages;
    }

    private void poll() {
        try {
            poll.run();
            if (failing.compareAndSet(true, false)) {
                LOG.info("Dashboard: the fleet view is current again");
            }
        } catch (RuntimeException | Error e) { // thrown out of a scheduled task, it would end the polling for good
            if (failing.compareAndSet(false, true)) { // once, not four times a second
                LOG.warn("Dashboard: cannot read the fleet view; the page shows it as it was", e);
            }
        }
    }
}
