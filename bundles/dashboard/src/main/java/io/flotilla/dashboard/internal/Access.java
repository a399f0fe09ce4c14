package io.flotilla.dashboard.internal;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;

import io.flotilla.dashboard.internal.Sessions.Session;

/**
 * Who is signed in to the dashboard: sign-in with a password of the JAAS realm (the user needs the
 * configured role) or with the one-time link, the session cookie, and sign-out.
 */
@Component(service = Access.class, configurationPid = DashboardConfig.PID)
@Designate(ocd = DashboardConfig.class)
public final class Access {

    /** The request attribute the gate sets to the caller's {@link Session}. */
    static final String SESSION = "io.flotilla.dashboard.session";
    static final int FAILURES_PER_MINUTE = 10;
    private static final Logger LOG = LoggerFactory.getLogger(Access.class);

    private final Sessions sessions;
    private final JaasPasswords passwords;
    private final LoginLink link;
    private final LoginThrottle throttle = new LoginThrottle(Clock.systemUTC(), FAILURES_PER_MINUTE, Duration.ofMinutes(1));

    @Activate
    public Access(DashboardConfig config, BundleContext context) {
        this.sessions = new Sessions(Clock.systemUTC(), minutes(config.session_idle_minutes()),
                minutes(config.session_max_hours() * 60));
        this.passwords = new JaasPasswords(config.realm(), config.role());
        String data = context.getProperty("karaf.data");
        this.link = new LoginLink(Path.of(data == null ? "data" : data, "dashboard", "login-token"));
    }

    /** Why a sign-in was refused, as the sign-in page names it ({@code /login?failed=CODE}). */
    enum Refusal {
        /** Wrong user name or password, or a user without the role: the page does not say which. */
        PASSWORD,
        /** Too many failed sign-ins lately. */
        THROTTLED
    }

    /** How a sign-in with a password ended: a session, or why not. */
    record SignIn(Optional<Session> session, Refusal refusal) {
    }

    /**
     * Signs in with a password. One at a time: the count of recent failures is checked and raised
     * in one step, so a burst of guesses in parallel meets the limit like guesses in a row.
     */
    synchronized SignIn signIn(String user, char[] password) {
        String who = printable(user);
        if (!throttle.open()) {
            LOG.warn("Dashboard: sign-in of {} refused: more than {} failed sign-ins in a minute", who, FAILURES_PER_MINUTE);
            return new SignIn(Optional.empty(), Refusal.THROTTLED);
        }
        JaasPasswords.Outcome outcome = passwords.check(user, password);
        if (outcome != JaasPasswords.Outcome.ACCEPTED) {
            throttle.failed();
            // The page says "wrong user name or password" either way: a role refusal would confirm the password
            LOG.warn("Dashboard: sign-in of {} refused: {}", who, outcome == JaasPasswords.Outcome.MISSING_ROLE
                    ? "the user lacks role " + passwords.role() : "wrong user name or password");
            return new SignIn(Optional.empty(), Refusal.PASSWORD);
        }
        LOG.info("Dashboard: {} signed in", who);
        return new SignIn(Optional.of(sessions.open(user)), null);
    }

    /** A session for the local operator, if {@code token} is the one-time link's. */
    Optional<Session> redeem(String token) {
        if (!link.redeem(token)) {
            return Optional.empty();
        }
        LOG.info("Dashboard: the local operator signed in with the one-time link");
        return Optional.of(sessions.open(LoginLink.USER));
    }

    /** The caller's open session, if its cookie names one; counts as a use. */
    Optional<Session> current(HttpServletRequest request) {
        return sessions.use(cookieValue(request));
    }

    /** The session of the page a push goes to, if it is still open; does not keep it alive. */
    Optional<Session> stillOpen(Session session) {
        return sessions.peek(session.id());
    }

    void signOut(Session session) {
        sessions.close(session.id());
        LOG.info("Dashboard: {} signed out", printable(session.user()));
    }

    /** {@code text} fit for one log line: control characters (a forged line break) shown as '?'. */
    static String printable(String text) {
        return text == null ? null : text.replaceAll("\\p{Cntrl}", "?");
    }

    /** The cookie that carries {@code session}; {@code null} for one that ends the session in the browser. */
    static Cookie cookie(HttpServletRequest request, Session session) {
        Cookie cookie = new Cookie(cookieName(request), session == null ? "" : session.id());
        cookie.setHttpOnly(true);
        cookie.setSecure(request.isSecure());
        cookie.setPath("/");
        cookie.setAttribute("SameSite", "Lax"); // Strict would drop it on the redirect after a sign-in link opened from a terminal
        cookie.setMaxAge(session == null ? 0 : -1);
        return cookie;
    }

    private static String cookieValue(HttpServletRequest request) {
        Cookie[] cookies = request.getCookies();
        if (cookies == null) {
            return null;
        }
        String name = cookieName(request);
        for (Cookie cookie : cookies) {
            if (name.equals(cookie.getName())) {
                return cookie.getValue();
            }
        }
        return null;
    }

    /** One name per port: browsers share cookies between the ports of a host, and so between nodes. */
    private static String cookieName(HttpServletRequest request) {
        return "flotilla-" + request.getLocalPort();
    }

    private static Duration minutes(double minutes) {
        return Duration.ofMillis(Math.max(1000, Math.round(minutes * 60_000)));
    }
}
