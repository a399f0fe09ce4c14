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
        boolean safe = SAFE_METHODS.contains(request.getMethod());
        if (!safe && !sameOrigin(request)) {
            Responses.error(response, HttpServletResponse.SC_FORBIDDEN, "refused: the request came from another site");
            return false;
        }
        String path = request.getRequestURI();
        if (path.equals("/login") || path.startsWith("/static/")) {
            return true;
        }
        Optional<Session> session = access.current(request);
        if (session.isEmpty()) {
            if (path.startsWith("/api/") || !safe) {
                Responses.error(response, HttpServletResponse.SC_UNAUTHORIZED, "sign in first");
            } else {
                response.setHeader("Cache-Control", "no-store");
                response.sendRedirect("/login");
            }
            return false;
        }
        if (!safe && !Sessions.csrfMatches(session.get(), request.getHeader(CSRF_HEADER))) {
            Responses.error(response, HttpServletResponse.SC_FORBIDDEN,
                    "refused: the request lacks this session's CSRF token (reload the page)");
            return false;
        }
        request.setAttribute(Access.SESSION, session.get());
        return true;
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
