package io.flotilla.mqtt.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Where the by-name task stream of a moving agent is cut. Source and target both subscribe to that
 * stream (the target before it confirms) and see it in the broker's order, and the source puts a
 * marker into it: the source answers what came before the marker, the target what came after, once
 * the source's forwarded messages are in.
 *
 * <p>{@link #check} runs on the delivery thread in arrival order. Held deliveries run under this
 * gate's lock when it opens, so a task that arrives meanwhile is delivered after them, never before.
 */
final class HandoffGate {

    /** What to do with one task. */
    enum Verdict {
        /** Deliver it as usual. */
        DELIVER,
        /** Not this node's to answer: drop it. */
        IGNORE,
        /** The gate took it: a marker, or a task held until the forwarded messages are in. */
        TAKEN
    }

    /** The source's side: waiting for its own marker to come round, then leaving the tasks to the target. */
    private static final class Outgoing {
        final long epoch;
        final CompletableFuture<Void> markerSeen = new CompletableFuture<>();
        boolean passed;

        Outgoing(long epoch) {
            this.epoch = epoch;
        }
    }

    /** The target's side: ignoring tasks until the marker, then holding them until the forward. */
    private static final class Incoming {
        final long epoch;
        final List<Runnable> held = new ArrayList<>();
        boolean markerSeen;

        Incoming(long epoch) {
            this.epoch = epoch;
        }
    }

    private final Map<String, Outgoing> outgoing = new HashMap<>();
    private final Map<String, Incoming> incoming = new HashMap<>();

    /** The marker a source publishes into the stream of {@code agent}. */
    static Map<String, Object> marker(long epoch, String from, String to) {
        return Map.of("_handoff", Map.of("epoch", epoch, "from", from, "to", to));
    }

    /** On the target: tasks for {@code agent} are the source's until the marker of {@code epoch}. */
    synchronized void expect(String agent, long epoch) {
        incoming.put(agent, new Incoming(epoch));
    }

    /** On the target: whether an agent of that name is on its way here. */
    synchronized boolean expecting(String agent) {
        return incoming.containsKey(agent);
    }

    /** On the source: completes when the marker of {@code epoch} comes round; tasks after it are the target's. */
    synchronized CompletableFuture<Void> cutOver(String agent, long epoch) {
        Outgoing cut = new Outgoing(epoch);
        outgoing.put(agent, cut);
        return cut.markerSeen;
    }

    /** Decides about one task for {@code agent}; {@code deliver} delivers it, should the gate hold it. */
    Verdict check(String agent, Object message, Runnable deliver) {
        Long markerEpoch = markerEpoch(message);
        CompletableFuture<Void> passed = null;
        Verdict verdict;
        synchronized (this) {
            Outgoing out = outgoing.get(agent);
            Incoming in = incoming.get(agent);
            if (markerEpoch != null) {
                if (out != null && out.epoch == markerEpoch && !out.passed) {
                    out.passed = true;
                    passed = out.markerSeen;
                }
                if (in != null && in.epoch == markerEpoch) {
                    in.markerSeen = true;
                }
                verdict = Verdict.TAKEN; // a marker is never an agent's business
            } else if (out != null && out.passed) {
                verdict = Verdict.IGNORE;
            } else if (in != null && !in.markerSeen) {
                verdict = Verdict.IGNORE;
            } else if (in != null) {
                in.held.add(deliver);
                verdict = Verdict.TAKEN;
            } else {
                verdict = Verdict.DELIVER;
            }
        }
        if (passed != null) {
            passed.complete(null); // outside the lock: what follows the cut-over must not run under it
        }
        return verdict;
    }

    /**
     * On the target, when the source's forwarded messages arrive: delivers them, then what was held
     * after the marker, and opens the gate. Forwarded messages of another epoch, or arriving after the
     * gate opened by itself, are delivered all the same: they are real messages for the agent.
     */
    synchronized void forwarded(String agent, long epoch, List<Runnable> deliveries) {
        deliveries.forEach(Runnable::run);
        Incoming in = incoming.get(agent);
        if (in != null && in.epoch == epoch) {
            incoming.remove(agent);
            in.held.forEach(Runnable::run);
        }
    }

    /**
     * On the target, when the marker or the forward did not come in time (the source died): opens
     * the gate of {@code epoch}, delivering what was held.
     */
    synchronized void expire(String agent, long epoch) {
        Incoming in = incoming.get(agent);
        if (in != null && in.epoch == epoch) {
            incoming.remove(agent);
            in.held.forEach(Runnable::run);
        }
    }

    /** On the source, once the waiting messages are forwarded: the agent is gone from here. */
    synchronized void handedOver(String agent, long epoch) {
        Outgoing out = outgoing.get(agent);
        if (out != null && out.epoch == epoch) {
            outgoing.remove(agent);
        }
    }

    /** Forgets every cut of {@code agent} here; anything held is delivered. */
    synchronized void abandon(String agent) {
        outgoing.remove(agent);
        Incoming in = incoming.remove(agent);
        if (in != null) {
            in.held.forEach(Runnable::run);
        }
    }

    private static Long markerEpoch(Object message) {
        if (message instanceof Map<?, ?> envelope && envelope.get("_handoff") instanceof Map<?, ?> marker
                && marker.get("epoch") instanceof Number epoch) {
            return epoch.longValue();
        }
        return null;
    }
}
