package io.flotilla.examples.internal;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ServiceScope;

import io.flotilla.api.Agent;
import io.flotilla.api.AgentContext;
import io.flotilla.api.AgentType;
import io.flotilla.api.Message;

/**
 * Asks another agent, by name, wherever in the fleet it runs (the setting {@code target}), and
 * replies with what it replied: location transparency and nested asks in a few lines. It never
 * blocks: the reply is a stage that completes when the target's does.
 */
@Component(service = Agent.class, scope = ServiceScope.PROTOTYPE)
@AgentType("relay")
public class RelayAgent implements Agent {

    private String target;

    @Override
    public void setup(AgentContext ctx) {
        target = ctx.config().getString("target", null);
        if (target == null) {
            throw new IllegalArgumentException("relay needs the setting 'target': the agent to ask");
        }
    }

    @Override
    public Object handle(Message message, AgentContext ctx) {
        return ctx.ask(target, message.payload()).thenApply(reply -> reply.value());
    }
}
