package io.flotilla.mqtt.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.flotilla.spi.fleet.FleetMessageHandler;

class SubscriptionTableTest {

    private final SubscriptionTable table = new SubscriptionTable();
    private final FleetMessageHandler exact = (topic, payload, retained) -> { };
    private final FleetMessageHandler wildcard = (topic, payload, retained) -> { };

    private List<FleetMessageHandler> arrive(String topic) {
        return table.matchingOrPark(topic, new byte[0], false, 1_000);
    }

    @Test
    void aTopicFindsItsExactAndItsWildcardHandlers() {
        table.add("agents/by-name/a/task", exact, true);
        table.add("agents/by-name/+/task", wildcard, false);

        assertEquals(List.of(exact, wildcard), arrive("agents/by-name/a/task"));
        assertEquals(List.of(wildcard), arrive("agents/by-name/b/task"));
    }

    @Test
    void onlyTheFirstHandlerOfAFilterSubscribesAtTheBroker() {
        assertTrue(table.add("t/x", exact, false).subscribeAtBroker());
        assertFalse(table.add("t/x", wildcard, false).subscribeAtBroker());
    }

    @Test
    void theLastOrdinaryHandlerUnsubscribesButADurableFilterStays() {
        table.add("t/ordinary", exact, false);
        table.add("t/durable", exact, true);

        assertTrue(table.remove("t/ordinary", exact), "the broker should forget an ordinary filter");
        assertFalse(table.remove("t/durable", exact), "a durable filter stays in the session");
        assertEquals(List.of("t/durable"), table.filters());
    }

    @Test
    void releasingADurableFilterUnsubscribesOnceNoHandlerIsLeft() {
        table.add("t/durable", exact, true);

        assertFalse(table.release("t/durable"), "a handler still wants it");
        assertTrue(table.remove("t/durable", exact), "now nobody does");
        assertEquals(List.of(), table.filters());
    }

    @Test
    void aMessageNobodyWantsYetWaitsForTheFirstMatchingSubscription() {
        assertTrue(arrive("nodes/n/spawn").isEmpty());

        SubscriptionTable.Added added = table.add("nodes/n/+", exact, true);

        assertEquals(List.of("nodes/n/spawn"), added.early().stream().map(SubscriptionTable.Parked::topic).toList());
        assertTrue(table.add("nodes/+/spawn", wildcard, true).early().isEmpty(), "it is delivered once");
    }

    @Test
    void aFilterWantedAgainIsNotUnsubscribedOnTheNextConnect() {
        table.unsubscribeOnConnect("t/x");
        table.unsubscribeOnConnect("t/y");

        table.add("t/x", exact, true);

        assertEquals(List.of("t/y"), table.takeUnsubscribes());
        assertEquals(List.of(), table.takeUnsubscribes());
    }
}
