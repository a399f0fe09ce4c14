package io.flotilla.dashboard.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.flotilla.dashboard.internal.Sessions.Session;

class SessionsTest {

    private final TestClock clock = new TestClock();
    private final Sessions sessions = new Sessions(clock, Duration.ofMinutes(30), Duration.ofHours(12));

    @Test
    void aSessionEndsAfterItsIdleTime() {
        Session session = sessions.open("operator");
        clock.advance(Duration.ofMinutes(29));
        assertTrue(sessions.use(session.id()).isPresent());
        clock.advance(Duration.ofMinutes(30));
        assertFalse(sessions.use(session.id()).isPresent());
    }

    @Test
    void useKeepsASessionAliveButNotBeyondItsLifetime() {
        Session session = sessions.open("operator");
        for (int i = 0; i < 24; i++) {
            clock.advance(Duration.ofMinutes(29));
            assertTrue(sessions.use(session.id()).isPresent(), "after " + (i + 1) * 29 + " minutes");
        }
        clock.advance(Duration.ofMinutes(29)); // 12 h 5 min after it opened
        assertFalse(sessions.use(session.id()).isPresent());
    }

    @Test
    void aPushToThePageDoesNotKeepItsSessionAlive() {
        Session session = sessions.open("operator");
        clock.advance(Duration.ofMinutes(20));
        assertTrue(sessions.peek(session.id()).isPresent());
        clock.advance(Duration.ofMinutes(10));
        assertFalse(sessions.peek(session.id()).isPresent());
    }

    @Test
    void aClosedSessionIsGoneAndAnUnknownIdFindsNothing() {
        Session session = sessions.open("operator");
        sessions.close(session.id());
        assertFalse(sessions.use(session.id()).isPresent());
        assertFalse(sessions.use("made-up").isPresent());
        assertFalse(sessions.use(null).isPresent());
    }

    @Test
    void theSessionUnusedTheLongestMakesRoomAtTheLimit() {
        Session first = sessions.open("first");
        clock.advance(Duration.ofSeconds(1));
        Session second = sessions.open("second");
        clock.advance(Duration.ofSeconds(1));
        sessions.use(first.id());
        for (int i = 2; i < Sessions.MAX_SESSIONS; i++) {
            clock.advance(Duration.ofMillis(1));
            sessions.open("user" + i);
        }
        clock.advance(Duration.ofSeconds(1));
        sessions.open("one too many");
        assertTrue(sessions.use(first.id()).isPresent());
        assertFalse(sessions.use(second.id()).isPresent());
    }

    @Test
    void eachSessionHasItsOwnCsrfTokenAndOnlyThatOneMatches() {
        Session one = sessions.open("operator");
        Session two = sessions.open("operator");
        assertNotEquals(one.id(), two.id());
        assertNotEquals(one.csrfToken(), two.csrfToken());
        assertEquals(43, one.csrfToken().length(), "32 random bytes, base64url");
        assertTrue(Sessions.csrfMatches(one, one.csrfToken()));
        assertFalse(Sessions.csrfMatches(one, two.csrfToken()));
        assertFalse(Sessions.csrfMatches(one, null));
        assertFalse(Sessions.csrfMatches(one, ""));
    }
}
