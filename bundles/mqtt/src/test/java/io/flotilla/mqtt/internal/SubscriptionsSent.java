package io.flotilla.mqtt.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Waits until a connection is up and has sent the broker the subscriptions made so far. Being
 * connected is not enough: a node reports that before it renews its subscriptions. Its listeners are
 * told after, and Paho sends what it was given before the DISCONNECT of a stop, so a test that then
 * stops the node finds those subscriptions in the node's broker session.
 */
final class SubscriptionsSent {

    private SubscriptionsSent() {
    }

    static void await(FleetConnection connection, Duration limit) throws InterruptedException {
        CountDownLatch sent = new CountDownLatch(1);
        FleetConnection.Listener listener = incarnation -> sent.countDown();
        connection.addListener(listener);
        try {
            assertTrue(sent.await(limit.toMillis(), TimeUnit.MILLISECONDS), "not connected within " + limit.toSeconds() + " s");
        } finally {
            connection.removeListener(listener);
        }
    }
}
