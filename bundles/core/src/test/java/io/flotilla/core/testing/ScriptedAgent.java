package io.flotilla.core.testing;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.flotilla.api.Agent;
import io.flotilla.api.AgentContext;
import io.flotilla.api.Message;

/**
 * An agent whose callbacks do what a test says, and which counts what happened to it. One script
 * serves every instance of a type, so counts span restarts.
 */
public final class ScriptedAgent implements Agent {

    /** What one callback does. */
    @FunctionalInterface
    public interface Step {
        void run(AgentContext ctx, int call) throws Exception;
    }

    /** What {@code handle()} does. */
    @FunctionalInterface
    public interface Handler {
        Object handle(Message message, AgentContext ctx) throws Exception;
    }

    /** The behaviour and the record of a type's instances. */
    public static final class Script {
        private final Clock clock;
        private volatile Step setup = (ctx, call) -> { };
        private volatile Step process = (ctx, call) -> { };
        private volatile Handler handler = (message, ctx) -> message.payload();
        public final AtomicInteger setups = new AtomicInteger();
        public final AtomicInteger processes = new AtomicInteger();
        public final AtomicInteger teardowns = new AtomicInteger();
        public final List<Instant> setupTimes = new CopyOnWriteArrayList<>();

        /** A script that stamps setups with {@code clock}. */
        public Script(Clock clock) {
            this.clock = clock;
        }

        public Script onSetup(Step step) {
            setup = step;
            return this;
        }

        public Script onProcess(Step step) {
            process = step;
            return this;
        }

        public Script onHandle(Handler handle) {
            handler = handle;
            return this;
        }

        public ScriptedAgent newAgent() {
            return new ScriptedAgent(this);
        }
    }

    private final Script script;

    private ScriptedAgent(Script script) {
        this.script = script;
    }

    @Override
    public void setup(AgentContext ctx) throws Exception {
        int call = script.setups.incrementAndGet();
        script.setupTimes.add(script.clock.instant());
        script.setup.run(ctx, call);
    }

    @Override
    public void process(AgentContext ctx) throws Exception {
        script.process.run(ctx, script.processes.incrementAndGet());
    }

    @Override
    public Object handle(Message message, AgentContext ctx) throws Exception {
        return script.handler.handle(message, ctx);
    }

    @Override
    public void teardown(AgentContext ctx) {
        script.teardowns.incrementAndGet();
    }
}
