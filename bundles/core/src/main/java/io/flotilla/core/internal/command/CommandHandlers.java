package io.flotilla.core.internal.command;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.flotilla.runtime.CommandResult;
import io.flotilla.spi.command.CommandHandler;

/**
 * The kinds of command other bundles add, and the commands that came before their handler did. A
 * node's broker session hands over what waited for it right after connecting, possibly before the
 * bundle that handles a kind has started: such a command waits, up to a grace period after the node
 * started, for its handler. A kind can have several handlers; the first one registered answers, and
 * the next takes over when it leaves. Thread-safe.
 */
final class CommandHandlers {

    private static final Logger LOG = LoggerFactory.getLogger(CommandHandlers.class);

    /** A command admitted before any handler of its kind was there. */
    record Waiting(Admission admitted, Consumer<CommandResult> onResult) {
    }

    private final Map<String, List<CommandHandler>> byKind = new LinkedHashMap<>();
    private final List<Waiting> waiting = new ArrayList<>();
    private final Clock clock;
    private final Instant patientUntil;

    CommandHandlers(Clock clock, Duration grace) {
        this.clock = clock;
        this.patientUntil = clock.instant().plus(grace);
    }

    /** Registers {@code handler} for {@code kinds}; returns the waiting commands it can take now. */
    synchronized List<Waiting> add(CommandHandler handler, Iterable<String> kinds) {
        List<Waiting> ready = new ArrayList<>();
        for (String kind : kinds) {
            List<CommandHandler> handlers = byKind.computeIfAbsent(kind, k -> new ArrayList<>());
            if (!handlers.isEmpty()) {
                LOG.info("A second handler for {} commands waits until the first one leaves", kind);
            }
            handlers.add(handler);
            for (Iterator<Waiting> it = waiting.iterator(); it.hasNext();) {
                Waiting command = it.next();
                if (command.admitted().kind().equals(kind)) {
                    ready.add(command);
                    it.remove();
                }
            }
        }
        return ready;
    }

    synchronized void remove(CommandHandler handler) {
        byKind.values().forEach(handlers -> handlers.remove(handler));
        byKind.values().removeIf(List::isEmpty);
    }

    /** The handler that answers {@code kind} now, or null. */
    synchronized CommandHandler active(String kind) {
        List<CommandHandler> handlers = byKind.get(kind);
        return handlers == null ? null : handlers.get(0);
    }

    /**
     * Keeps a command whose kind has no handler yet, while the node is young; returns how long it may
     * wait, or null when it is too late for waiting.
     */
    synchronized Duration park(Admission admitted, Consumer<CommandResult> onResult) {
        Duration left = Duration.between(clock.instant(), patientUntil);
        if (left.isNegative() || left.isZero()) {
            return null;
        }
        waiting.add(new Waiting(admitted, onResult));
        return left;
    }

    /** The commands whose wait is over. */
    synchronized List<Waiting> expired() {
        if (clock.instant().isBefore(patientUntil)) {
            return List.of();
        }
        List<Waiting> over = new ArrayList<>(waiting);
        waiting.clear();
        return over;
    }
}
