package io.flotilla.core.internal.runtime;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.flotilla.api.AskException;
import io.flotilla.api.NodeInfo;
import io.flotilla.api.Reply;
import io.flotilla.api.Subscription;
import io.flotilla.core.internal.exec.Scheduler.Cancellable;
import io.flotilla.spi.fleet.FleetPort;

/**
 * Where agents' messages go: a name this node holds to its mailbox, any other name, publications and
 * subscriptions to the fleet through the {@link FleetPort} when there is one, else nowhere beyond this
 * node. The port may come and go while agents run: their subscriptions move with it.
 */
final class Messaging {

    private static final Logger LOG = LoggerFactory.getLogger(Messaging.class);

    private final String nodeName;
    private final RuntimeEnvironment env;
    private final Function<String, AgentCell> cells;
    private final PubSub localBus = new LocalBus();
    private final RoutingPubSub pubSub = new RoutingPubSub(localBus);
    private volatile FleetPort fleet;

    Messaging(RuntimeEnvironment env, Function<String, AgentCell> cells) {
        this.nodeName = env.nodeName();
        this.env = env;
        this.cells = cells;
    }

    /** Reaches the fleet through {@code port} from now on; null returns to this node alone. */
    void useFleet(FleetPort port) {
        fleet = port;
        pubSub.use(port == null ? localBus : new PortPubSub(port));
    }

    /** A local agent gets the message in its mailbox; any other name goes to the fleet, if there is one. */
    void tell(String sender, String target, Object payload) {
        AgentCell cell = cells.apply(target);
        if (cell != null) {
            cell.enqueue(Envelope.task(payload, sender, null));
            return;
        }
        FleetPort port = fleet;
        if (port != null) {
            port.tell(sender, target, payload);
        } else {
            LOG.debug("Message from {} to unknown agent {} dropped", sender, target);
        }
    }

    CompletionStage<Reply> ask(String sender, String target, Object payload, Duration timeout) {
        AgentCell cell = cells.apply(target);
        if (cell == null) {
            FleetPort port = fleet;
            if (port != null) {
                return port.ask(sender, target, payload, timeout);
            }
            return CompletableFuture.failedFuture(new AskException(AskException.Reason.NO_SUCH_AGENT, target,
                    "no agent named " + target + " on node " + nodeName + ", which has no fleet connection"));
        }
        CompletableFuture<Reply> reply = new CompletableFuture<>();
        Cancellable timer = env.scheduler().schedule(timeout, () -> reply.completeExceptionally(new AskException(
                AskException.Reason.TIMEOUT, target, "no reply from " + target + " within " + Failures.seconds(timeout) + " s")));
        reply.whenComplete((value, failure) -> timer.cancel());
        cell.enqueue(Envelope.task(payload, sender, reply));
        return reply.minimalCompletionStage();
    }

    void publish(String topic, Object data) {
        pubSub.publish(topic, data);
    }

    PubSub pubSub() {
        return pubSub;
    }

    /** The fleet view, as the port knows it; empty without one. */
    List<NodeInfo> nodes() {
        FleetPort port = fleet;
        return port == null ? List.of() : port.nodes();
    }

    /** The port's publish and subscribe, as the agents' {@link PubSub}. */
    private record PortPubSub(FleetPort port) implements PubSub {
        @Override
        public void publish(String topic, Object data) {
            port.publish(topic, data);
        }

        @Override
        public Subscription subscribe(String topicFilter, BiConsumer<String, Object> handler) {
            return port.subscribe(topicFilter, handler);
        }
    }
}
