package io.flotilla.dashboard.internal;

import java.io.IOException;
import java.net.URI;
import java.util.Optional;
import java.util.Set;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ServiceScope;
import org.osgi.service.servlet.context.ServletContextHelper;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardContext;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import io.flotilla.dashboard.internal.Sessions.Session;

/**
 * The dashboard's servlet context, which every request passes: it sets the headers that keep the
 * page from running anything but its own scripts, lets only the sign-in page and static assets be
 * fetched without a session, and refuses a state-changing request without the session's CSRF token
 * or from another origin.
 */
@Component(service = ServletContextHelper.class, scope = ServiceScope.BUNDLE)
@HttpWhiteboardContext(name = DashboardGate.CONTEXT, path = "/")
public final class DashboardGate extends ServletContextHelper {

    static final String CONTEXT = "flotilla-dashboard";
    static final String SELECT = "(osgi.http.whiteboard.context.name=" + CONTEXT + ")";
    static final String CSRF_HEADER = "X-CSRF-Token";
    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD");
    private static final Set<String> LOOPBACK_NAMES = Set.of("127.0.0.1", "localhost", "[::1]");

    private final Access access;

    @Activate
    public DashboardGate(@Reference Access access) {
        this.access = access;
    }

    @Override
    public boolean handleSecurity(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setHeader("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; "
                + "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
                + "frame-ancestors 'none'");
        response.setHeader("X-Content-Type-Options", "nosniff");
        // same-origin, not no-referrer: with no-referrer a browser sends "Origin: null" on the page's own posts
        response.setHeader("Referrer-Policy", "same-origin");
        response.setHeader("X-Frame-Options", "DENY");
        if (!loopbackHost(request.getHeader("Host"))) {
            // A page of another site that rebound its own name to 127.0.0.1 would pass the Origin check
            refuse(request, response, HttpServletResponse.SC_FORBIDDEN, "refused: the dashboard answers on 127.0.0.1, localhost or [::1] only");
            return false;
        }
        String raw = request.getRequestURI();
        if (raw.contains("/.") || raw.contains("//") || raw.contains("\\") || raw.indexOf('%') >= 0 || raw.indexOf(';') >= 0) {
            // Dot segments and encodings are resolved after this check: a path that needs them is no path of the page
            refuse(request, response, HttpServletResponse.SC_BAD_REQUEST, "refused: not a path of the dashboard");
            return false;
        }
        boolean safe = SAFE_METHODS.contains(request.getMethod());
        if (!safe && !sameOrigin(request)) {
            refuse(request, response, HttpServletResponse.SC_FORBIDDEN, "refused: the request came from another site");
            return false;
        }
        // What the servlet was chosen by, not the path as sent
        String servletPath = request.getServletPath();
        if ("/login".equals(servletPath) || "/static".equals(servletPath)) {
            return true;
        }
        Optional<Session> session = access.current(request);
        if (session.isEmpty()) {
            if ("/api".equals(servletPath) || "/api/stream".equals(servletPath) || !safe) {
                refuse(request, response, HttpServletResponse.SC_UNAUTHORIZED, "sign in first");
            } else {
                response.setHeader("Cache-Control", "no-store");
                response.sendRedirect("/login");
            }
            return false;
        }
        if (!safe && !Sessions.csrfMatches(session.get(), request.getHeader(CSRF_HEADER))) {
            refuse(request, response, HttpServletResponse.SC_FORBIDDEN,
                    "refused: the request lacks this session's CSRF token (reload the page)");
            return false;
        }
        request.setAttribute(Access.SESSION, session.get());
        return true;
    }

    /** Whether {@code host} (the Host header) names this machine's loopback interface, with any port. */
    static boolean loopbackHost(String host) {
        if (host == null) {
            return false;
        }
        String name = host.startsWith("[") ? host.substring(0, host.indexOf(']') + 1) : host.replaceFirst(":\\d+$", "");
        return LOOPBACK_NAMES.contains(name.toLowerCase(java.util.Locale.ROOT));
    }

    /**
     * Answers a refusal, having read what the request sent (up to {@link ApiServlet#MAX_BODY}): a body
     * left unread makes the server close the connection, which the browser may be about to reuse.
     */
    private static void refuse(HttpServletRequest request, HttpServletResponse response, int status, String message)
            throws IOException {
        try {
            request.getInputStream().skipNBytes(Math.min(Math.max(request.getContentLengthLong(), 0), ApiServlet.MAX_BODY));
        } catch (IOException | RuntimeException e) {
            // the refusal is what matters; the connection closes
        }
        Responses.error(response, status, message);
    }

    /** A browser names the page a request comes from in Origin; a request without one is no browser's form. */
    private static boolean sameOrigin(HttpServletRequest request) {
        String origin = request.getHeader("Origin");
        if (origin == null) {
            return true;
        }
        try {
            URI uri = URI.create(origin);
            String host = request.getHeader("Host");
            return host != null && host.equalsIgnoreCase(uri.getAuthority());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
