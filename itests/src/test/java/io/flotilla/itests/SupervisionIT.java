package io.flotilla.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceRegistration;

import io.flotilla.api.AgentState;
import io.flotilla.api.Severity;
import io.flotilla.runtime.AgentEvent;
import io.flotilla.runtime.AgentEventListener;

/** Supervision in a real node: the crasher type crashes, backs off, gives up; broken setup is not retried. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class SupervisionIT extends FlotillaTestSupport {

    private final List<AgentEvent> events = new CopyOnWriteArrayList<>();
    private ServiceRegistration<AgentEventListener> listener;

    @Before
    public void listen() {
        listener = bundleContext.registerService(AgentEventListener.class, events::add, null);
    }

    @After
    public void stopListening() {
        listener.unregister();
    }

    private List<AgentEvent> eventsOf(String agent, AgentEvent.Kind kind) {
        return events.stream().filter(e -> e.agent().equals(agent) && e.kind() == kind).toList();
    }

    private List<AgentState> statesOf(String agent) {
        return eventsOf(agent, AgentEvent.Kind.STATE_CHANGED).stream().map(AgentEvent::state).toList();
    }

    @Test
    public void aCrashingAgentRestartsWithDoublingBackOffUntilItsBudgetIsSpent() {
        spawn(Map.of("name", "crashy", "type", "crasher", "poll_interval", 0.02, "restart_delay", 0.3,
                "max_restarts", 3, "config", Map.of("fail_every", true)));

        // The fatal error is told after the state turns failed: wait for it, not for the state.
        await("the fatal error that ends it", () -> eventsOf("crashy", AgentEvent.Kind.ERROR).stream()
                .anyMatch(e -> e.severity() == Severity.FATAL));

        List<AgentEvent> states = eventsOf("crashy", AgentEvent.Kind.STATE_CHANGED);
        List<AgentEvent> restarts = states.stream().filter(e -> e.state() == AgentState.RESTARTING).toList();
        List<AgentEvent> starts = states.stream().filter(e -> e.state() == AgentState.STARTING).toList();
        assertEquals("three restarts, then the fourth crash is one too many", 3, restarts.size());
        assertEquals(4, starts.size());
        double[] expected = {0.3, 0.6, 1.2};
        for (int i = 0; i < 3; i++) {
            double waited = Duration.between(restarts.get(i).timestamp(), starts.get(i + 1).timestamp()).toMillis() / 1000.0;
            assertTrue("back-off " + (i + 1) + " was " + waited + " s, expected " + expected[i],
                    waited >= expected[i] && waited < expected[i] + 1.0);
            assertEquals(i + 1, restarts.get(i).restartCount());
        }
        List<AgentEvent> errors = eventsOf("crashy", AgentEvent.Kind.ERROR);
        AgentEvent fatal = errors.get(errors.size() - 1);
        assertEquals(Severity.FATAL, fatal.severity());
        assertTrue(fatal.message(), fatal.message().contains("restart budget exhausted (max_restarts 3)"));
        assertTrue(errors.stream().anyMatch(e -> e.severity() == Severity.WARNING && "process".equals(e.phase())));
        assertEquals("a failed agent stays listed", AgentState.FAILED, stateOf("crashy"));
    }

    @Test
    public void aSetupFailureFailsAtOnceAndIsNeverRetried() {
        spawn(Map.of("name", "broken-setup", "type", "crasher", "restart_delay", 0.05,
                "config", Map.of("fail_setup", true)));
        awaitState("broken-setup", AgentState.FAILED);
        spawn(Map.of("name", "pacer", "type", "counter", "poll_interval", 0.05));
        await("the pacer to run 20 polls, far longer than a restart would take",
                () -> agents.info("pacer").map(d -> d.persisted().get("count")).map(c -> ((Number) c).longValue() >= 20)
                        .orElse(false));

        assertEquals(List.of(AgentState.STARTING, AgentState.FAILED), statesOf("broken-setup"));
        AgentEvent fatal = eventsOf("broken-setup", AgentEvent.Kind.ERROR).get(0);
        assertEquals("setup", fatal.phase());
        assertTrue(fatal.message(), fatal.message().contains("fail_setup"));
        agents.remove("pacer", true);
    }

    @Test
    public void aHealthyRunCreditsRestartsBack() {
        spawn(Map.of("name", "recovering", "type", "crasher", "poll_interval", 0.02, "restart_delay", 0.1,
                "config", Map.of("fail_after", 12)));

        await("a restart credited back", () -> eventsOf("recovering", AgentEvent.Kind.LOG).stream()
                .anyMatch(e -> e.message().contains("one restart credited back")));
        agents.remove("recovering", true);
    }
}
