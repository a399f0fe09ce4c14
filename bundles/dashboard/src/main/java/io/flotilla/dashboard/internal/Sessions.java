package io.flotilla.dashboard.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The dashboard's signed-in users, in memory: a node restart signs everyone out. A session is a
 * random id (the cookie) with a CSRF token of its own, which every state-changing request must
 * carry. A session ends after {@code idle} without a request, after {@code lifetime} in any case,
 * or at sign-out. At most {@link #MAX_SESSIONS} are kept; a new one ends the one unused the longest.
 * Thread-safe.
 */
final class Sessions {

    static final int MAX_SESSIONS = 256;
    private static final Base64.Encoder TOKENS = Base64.getUrlEncoder().withoutPadding();

    /** One signed-in user. */
    record Session(String id, String user, String csrfToken, Instant created) {
    }

    private static final class Entry {
        final Session session;
        Instant lastUsed;

        Entry(Session session) {
            this.session = session;
            this.lastUsed = session.created();
        }
    }

    private final Clock clock;
    private final Duration idle;
    private final Duration lifetime;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Entry> open = new HashMap<>();

    Sessions(Clock clock, Duration idle, Duration lifetime) {
        this.clock = clock;
        this.idle = idle;
        this.lifetime = lifetime;
    }

    synchronized Session open(String user) {
        dropExpired();
        if (open.size() >= MAX_SESSIONS) {
            open.values().stream().min(Comparator.comparing((Entry entry) -> entry.lastUsed))
                    .ifPresent(oldest -> open.remove(oldest.session.id()));
        }
        Session session = new Session(token(), user, token(), clock.instant());
        open.put(session.id(), new Entry(session));
        return session;
    }

    /** The session of this id, if it is still open; counts as a use of it. */
    synchronized Optional<Session> use(String id) {
        return find(id, true);
    }

    /** The session of this id, if it is still open, without counting as a use (a push to its page). */
    synchronized Optional<Session> peek(String id) {
        return find(id, false);
    }

    synchronized void close(String id) {
        open.remove(id);
    }

    /** Whether {@code offered} is the session's CSRF token, in time independent of where they differ. */
    static boolean csrfMatches(Session session, String offered) {
        return offered != null && sameSecret(session.csrfToken(), offered);
    }

    static boolean sameSecret(String expected, String offered) {
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), offered.getBytes(StandardCharsets.UTF_8));
    }

    private Optional<Session> find(String id, boolean touch) {
        if (id == null) {
            return Optional.empty();
        }
        Entry entry = open.get(id);
        if (entry == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        if (expired(entry, now)) {
            open.remove(id);
            return Optional.empty();
        }
        if (touch) {
            entry.lastUsed = now;
        }
        return Optional.of(entry.session);
    }

    private boolean expired(Entry entry, Instant now) {
        return !now.isBefore(entry.lastUsed.plus(idle)) || !now.isBefore(entry.session.created().plus(lifetime));
    }

    private void dropExpired() {
        Instant now = clock.instant();
        open.values().removeIf(entry -> expired(entry, now));
    }

    private String token() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return TOKENS.encodeToString(bytes);
    }
}
