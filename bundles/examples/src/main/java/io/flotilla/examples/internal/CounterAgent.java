package io.flotilla.examples.internal;

import java.util.Map;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ServiceScope;

import io.flotilla.api.Agent;
import io.flotilla.api.AgentContext;
import io.flotilla.api.AgentType;
import io.flotilla.api.Message;

/**
 * Counts, durably: every {@code process()} adds the setting {@code step} (default 1) to the persisted
 * {@code count}. The message {@code "get"} returns the count; {@code {"add": n}} adds n and returns it.
 */
@Component(service = Agent.class, scope = ServiceScope.PROTOTYPE)
@AgentType("counter")
public class CounterAgent implements Agent {

    private long count;
    private long step;

    @Override
    public void setup(AgentContext ctx) {
        count = ctx.recall("count", Long.class).orElse(0L);
        step = ctx.config().getLong("step", 1);
        ctx.log("counting from " + count + " in steps of " + step);
    }

    @Override
    public void process(AgentContext ctx) {
        add(ctx, step);
    }

    @Override
    public Object handle(Message message, AgentContext ctx) {
        Object payload = message.payload();
        if ("get".equals(payload)) {
            return count;
        }
        if (payload instanceof Map<?, ?> command && command.get("add") instanceof Number n
                && n.doubleValue() == Math.rint(n.doubleValue())) {
            return add(ctx, n.longValue());
        }
        throw new IllegalArgumentException("counter understands \"get\" and {\"add\": n}, got " + payload);
    }

    private long add(AgentContext ctx, long amount) {
        count += amount;
        ctx.persist("count", count);
        return count;
    }
}
