package io.flotilla.examples.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ServiceScope;

import io.flotilla.api.Agent;
import io.flotilla.api.AgentContext;
import io.flotilla.api.AgentType;
import io.flotilla.api.Message;

/**
 * Replies with the payload it was sent, unchanged. With the setting {@code reply_delay} (seconds),
 * it answers that much later, without holding a thread meanwhile: a slow service to try timeouts on.
 */
@Component(service = Agent.class, scope = ServiceScope.PROTOTYPE)
@AgentType("echo")
public class EchoAgent implements Agent {

    private long delayMillis;

    @Override
    public void setup(AgentContext ctx) {
        delayMillis = Math.round(ctx.config().getDouble("reply_delay", 0) * 1000);
    }

    @Override
    public Object handle(Message message, AgentContext ctx) {
        if (delayMillis <= 0) {
            return message.payload();
        }
        Executor later = CompletableFuture.delayedExecutor(delayMillis, TimeUnit.MILLISECONDS);
        return CompletableFuture.supplyAsync(message::payload, later);
    }
}
