package io.flotilla.dynamic.internal;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ServiceScope;

import io.flotilla.api.Agent;
import io.flotilla.api.AgentContext;
import io.flotilla.api.AgentType;
import io.flotilla.api.Message;

/**
 * The agent type {@code dynamic}: an agent whose code is in its spawn document. Each run compiles (or
 * starts) that code in its language in {@link #setup} and hands every callback to it, so the node's
 * supervisor, mailbox and state store treat it like any agent of a bundle. The node admitted the
 * language already ({@code dynamic.languages}); this type runs what it is given.
 */
@Component(service = Agent.class, scope = ServiceScope.PROTOTYPE)
@AgentType("dynamic")
public final class DynamicAgent implements Agent {

    private final JavaLanguage java;
    private final PythonLanguage python;
    private Agent code = new Agent() {
    };

    /** @param python null where only Java runs (the launcher's self-test) */
    @Activate
    public DynamicAgent(@Reference JavaLanguage java, @Reference PythonLanguage python) {
        this.java = java;
        this.python = python;
    }

    @Override
    public void setup(AgentContext ctx) throws Exception {
        String language = ctx.config().language().orElseThrow(
                () -> new IllegalArgumentException("agent " + ctx.name() + " has no source code ('code')"));
        SourceLanguage chosen = switch (language) {
            case "java" -> java;
            case "python" -> python != null ? python : unavailable(language);
            default -> throw new IllegalArgumentException("agents from source in " + language + " are not known here");
        };
        code = chosen.agentFor(ctx.config());
        code.setup(ctx);
    }

    private static SourceLanguage unavailable(String language) {
        throw new IllegalStateException(language + " agents from source do not run here");
    }

    @Override
    public void process(AgentContext ctx) throws Exception {
        code.process(ctx);
    }

    @Override
    public Object handle(Message message, AgentContext ctx) throws Exception {
        return code.handle(message, ctx);
    }

    @Override
    public void teardown(AgentContext ctx) {
        code.teardown(ctx);
    }

    /**
     * The node let go of this instance: after a teardown, or without one when setup failed or a stuck
     * callback was abandoned. What the code holds outside the JVM (a Python child) ends here at the latest.
     */
    @Deactivate
    void released() throws Exception {
        if (code instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }
}
