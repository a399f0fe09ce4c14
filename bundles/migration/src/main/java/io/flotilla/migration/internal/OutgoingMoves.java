package io.flotilla.migration.internal;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/** The moves this node has started and not finished, for this bundle's components. */
public interface OutgoingMoves {

    /** Where {@code agent} is being moved, and its type, while its move from here runs. */
    Optional<Outgoing> outgoing(String agent);

    /**
     * One move under way.
     *
     * @param target     the node the agent goes to
     * @param type       the agent's type
     * @param codeServed set once the agent's bundle was sent for this move: it is sent once, since
     *                   the reply topic it goes to can be read by others on the broker
     */
    record Outgoing(String target, String type, AtomicBoolean codeServed) {

        Outgoing(String target, String type) {
            this(target, type, new AtomicBoolean());
        }
    }
}
