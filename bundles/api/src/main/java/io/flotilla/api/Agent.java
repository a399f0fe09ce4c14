package io.flotilla.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * An agent type's code. The node calls these methods one at a time for a given agent (never
 * concurrently), on a shared pool; an agent that is idle holds no thread.
 *
 * <p>Register an implementation as a prototype-scoped DS component:
 * <pre>
 * &#64;Component(service = Agent.class, scope = ServiceScope.PROTOTYPE)
 * &#64;AgentType("echo")
 * public class EchoAgent implements Agent { ... }
 * </pre>
 *
 * <p>Supervision: an exception from {@link #setup} is fatal (the agent fails, no retry); an
 * exception from {@link #process} is counted, and five in a row restart the agent with
 * back-off; an exception from {@link #handle} is returned to the sender as an error; an
 * {@link Error} thrown from any callback crashes the agent at once.
 */
@ConsumerType
public interface Agent {

    /** Called once per run, before anything else. Throwing here fails the agent for good. */
    default void setup(AgentContext ctx) throws Exception {
    }

    /** Called every {@code poll_interval} while running, when the interval is above zero. */
    default void process(AgentContext ctx) throws Exception {
    }

    /**
     * Handles one message from the mailbox. The return value is the reply to an ask: a JSON-like
     * value (String, Number, Boolean, Map, List, null) or a
     * {@link java.util.concurrent.CompletionStage} of one, whose completion is sent as the reply.
     */
    default Object handle(Message message, AgentContext ctx) throws Exception {
        return null;
    }

    /** Called once when the run ends (stop, restart, update or migration). Exceptions are logged. */
    default void teardown(AgentContext ctx) {
    }
}
