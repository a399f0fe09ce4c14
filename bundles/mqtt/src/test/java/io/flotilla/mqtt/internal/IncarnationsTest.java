package io.flotilla.mqtt.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IncarnationsTest {

    @TempDir
    Path data;

    private static Clock at(String instant) {
        return Clock.fixed(Instant.parse(instant), ZoneOffset.UTC);
    }

    @Test
    void aNodeThatBootsInThePastStillRisesAboveItsLastIncarnation() {
        long before = new Incarnations(data.resolve("incarnation"), at("2026-12-03T20:00:00Z")).next();

        // A Raspberry Pi without a real-time clock: it boots in 1970 until NTP answers
        long after = new Incarnations(data.resolve("incarnation"), at("1970-01-01T00:00:10Z")).next();

        assertEquals(before + 1, after);
    }

    @Test
    void theClockSetsThePaceWhenItIsRight() {
        Incarnations incarnations = new Incarnations(data.resolve("incarnation"), at("2026-12-03T20:00:00Z"));
        long first = incarnations.next();
        long second = incarnations.next();

        long later = new Incarnations(data.resolve("incarnation"), at("2026-12-04T20:00:00Z")).next();

        assertEquals(first + 1, second);
        assertEquals(Instant.parse("2026-12-04T20:00:00Z").toEpochMilli(), later);
        assertTrue(later > second);
    }
}
