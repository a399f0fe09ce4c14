package io.flotilla.mqtt.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When to try the broker again, and what to say about failed attempts: a capped, jittered back-off
 * ({@code min(reconnect.min * 2^(failures-1), reconnect.max)}, spread over its upper half), quiet
 * while the node's own broker may still be starting, a warning once per new reason. Confined to the
 * connection's loop thread.
 */
final class Reconnects {

    private static final Logger LOG = LoggerFactory.getLogger(MqttConnection.class);
    private static final Duration STARTUP_GRACE = Duration.ofSeconds(10);

    private final MqttSettings settings;
    private final Clock clock;
    private final long quietUntil;
    private int failures;
    // Those worth telling of: not the ones while the node's own broker may still be starting.
    private int reportedFailures;
    private String lastFailure;

    Reconnects(MqttSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.quietUntil = clock.millis() + STARTUP_GRACE.toMillis();
    }

    /** A connect attempt failed: reports it as it deserves and returns how long to wait before the next. */
    Duration failed(String reason) {
        failures++;
        Duration delay = backoff();
        if (clock.millis() < quietUntil) {
            // At boot the node's own broker may still be starting: nothing to tell an operator yet.
            LOG.debug("Broker at {} not reachable yet ({}); retrying", settings.broker(), reason);
            return delay;
        }
        reportedFailures++;
        if (!reason.equals(lastFailure)) {
            LOG.warn("Cannot connect to the broker at {}: {}. Retrying, at most {} s apart", settings.broker(), reason,
                    settings.reconnectMax().toMillis() / 1000.0);
            lastFailure = reason;
        } else {
            LOG.debug("Connect attempt {} to {} failed: {}; next in {} ms", failures, settings.broker(), reason,
                    delay.toMillis());
        }
        return delay;
    }

    /** Connected: returns how many attempts failed before, those of the start-up grace left out. */
    int connected() {
        int failed = reportedFailures;
        failures = 0;
        reportedFailures = 0;
        lastFailure = null;
        return failed;
    }

    /** The connection went: the first attempt to get it back waits as after one failure. */
    Duration lost() {
        failures = 1;
        return backoff();
    }

    private Duration backoff() {
        long base = settings.reconnectMin().toMillis() << Math.min(20, Math.max(0, failures - 1));
        long capped = Math.min(base, settings.reconnectMax().toMillis());
        return Duration.ofMillis(capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1));
    }
}
