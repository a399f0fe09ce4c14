package io.flotilla.registry.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.slf4j.Logger;

/**
 * Refused fleet messages, logged without letting their sender flood the log: the first at once, then
 * at most one line per period saying how many more there were and the latest reason. Thread-safe.
 */
final class RefusalLog {

    private final Logger log;
    private final Clock clock;
    private final Duration period;
    private Instant lastLine = Instant.MIN;
    private int unreported;

    RefusalLog(Logger log, Clock clock, Duration period) {
        this.log = log;
        this.clock = clock;
        this.period = period;
    }

    /** Notes a refusal; null (nothing refused) is ignored. */
    synchronized void note(String refusal) {
        if (refusal == null) {
            return;
        }
        unreported++;
        Instant now = clock.instant();
        if (!now.isBefore(lastLine.plus(period))) {
            log.warn("Fleet registry refused {} message(s) since its last report; the latest: {}", unreported, refusal);
            unreported = 0;
            lastLine = now;
        }
    }
}
