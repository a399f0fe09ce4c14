package io.flotilla.examples.internal;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ServiceScope;

import io.flotilla.api.Agent;
import io.flotilla.api.AgentContext;
import io.flotilla.api.AgentType;
import io.flotilla.api.Message;

/** Replies with the payload it was sent, unchanged. */
@Component(service = Agent.class, scope = ServiceScope.PROTOTYPE)
@AgentType("echo")
public class EchoAgent implements Agent {

    @Override
    public Object handle(Message message, AgentContext ctx) {
        return message.payload();
    }
}
