package io.flotilla.examples.internal;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ServiceScope;

import io.flotilla.api.Agent;
import io.flotilla.api.AgentContext;
import io.flotilla.api.AgentType;
import io.flotilla.api.Message;

/**
 * Fails on purpose, to watch supervision work. Settings: {@code fail_setup} (setup throws),
 * {@code fail_every} (every {@code process()} throws), {@code fail_after} (that many successful
 * {@code process()} calls per run, then every call throws).
 */
@Component(service = Agent.class, scope = ServiceScope.PROTOTYPE)
@AgentType("crasher")
public class CrasherAgent implements Agent {

    private boolean failEvery;
    private long failAfter;
    private long calls;

    @Override
    public void setup(AgentContext ctx) {
        if (ctx.config().getBoolean("fail_setup", false)) {
            throw new IllegalStateException("crasher: setup fails because fail_setup is set");
        }
        failEvery = ctx.config().getBoolean("fail_every", false);
        failAfter = ctx.config().getLong("fail_after", -1);
    }

    @Override
    public void process(AgentContext ctx) {
        calls++;
        if (failEvery) {
            throw new IllegalStateException("crasher: process() call " + calls + " fails because fail_every is set");
        }
        if (failAfter >= 0 && calls > failAfter) {
            throw new IllegalStateException("crasher: process() call " + calls + " fails after " + failAfter
                    + " successful calls (fail_after)");
        }
    }

    @Override
    public Object handle(Message message, AgentContext ctx) {
        return calls;
    }
}
