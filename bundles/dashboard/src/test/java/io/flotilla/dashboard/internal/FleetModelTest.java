package io.flotilla.dashboard.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class FleetModelTest {

    private final FleetModel model = new FleetModel();

    private void agent(String name, String state) {
        model.agent(name, row -> {
            row.put("state", state);
            return row;
        });
    }

    @Test
    void aNewPageGetsEverythingThenOnlyWhatChanged() {
        model.node("hub", Map.of("name", "hub", "online", true));
        agent("a", "running");
        agent("b", "running");
        FleetModel.Delta first = model.since(0);
        assertTrue(first.full());
        assertEquals(1, first.nodes().size());
        assertEquals(2, first.agents().size());

        agent("b", "stopped");
        FleetModel.Delta next = model.since(first.version());
        assertFalse(next.full());
        assertEquals(List.of(Map.of("name", "b", "state", "stopped")), next.agents());
        assertTrue(next.nodes().isEmpty());
        assertTrue(model.since(next.version()).isEmpty());
    }

    @Test
    void theSameRowAgainIsNoChange() {
        agent("a", "running");
        long version = model.version();
        agent("a", "running");
        model.agent("a", row -> null);
        assertEquals(version, model.version());
    }

    @Test
    void aRemovalReachesAPageThatSawTheRow() {
        agent("a", "running");
        long seen = model.since(0).version();
        model.forgetAgent("a");
        FleetModel.Delta delta = model.since(seen);
        assertEquals(List.of("a"), delta.agentsGone());
        model.forgetAgent("a");
        assertEquals(delta.version(), model.version(), "forgetting what is gone changes nothing");
    }

    @Test
    void aPageTooFarBehindGetsEverythingAgain() {
        agent("keeper", "running");
        long seen = model.since(0).version();
        for (int i = 0; i <= FleetModel.MAX_REMOVALS; i++) {
            agent("brief-" + i, "running");
            model.forgetAgent("brief-" + i);
        }
        FleetModel.Delta delta = model.since(seen);
        assertTrue(delta.full());
        assertEquals(1, delta.agents().size());
    }

    @Test
    void onlyTheLatestEventsAreKeptAndAPageGetsThoseItHasNotSeen() {
        for (int i = 0; i < FleetModel.MAX_EVENTS + 10; i++) {
            model.event(Map.of("message", "line " + i, "agent", i % 2 == 0 ? "even" : "odd"));
        }
        FleetModel.Delta all = model.since(0);
        assertEquals(FleetModel.MAX_EVENTS, all.events().size());
        assertEquals("line 10", all.events().get(0).get("message"));
        model.event(Map.of("message", "newest", "agent", "even"));
        assertEquals(List.of(Map.of("message", "newest", "agent", "even")), model.since(all.version()).events());
        // the newest pushed out the oldest, "line 10", an even one
        assertEquals(FleetModel.MAX_EVENTS / 2, model.eventsOf("even").size());
    }

    @Test
    void noNameGrowsTheAgentsBeyondTheLimit() {
        for (int i = 0; i < FleetModel.MAX_AGENTS; i++) {
            agent("agent-" + i, "running");
        }
        agent("one-too-many", "running");
        assertFalse(model.agentRow("one-too-many").isPresent());
        agent("agent-7", "stopped");
        assertEquals("stopped", model.agentRow("agent-7").orElseThrow().get("state"), "known agents still change");
    }
}
