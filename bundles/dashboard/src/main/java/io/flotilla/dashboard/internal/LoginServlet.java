package io.flotilla.dashboard.internal;

import java.io.IOException;
import java.util.Optional;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardContextSelect;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import io.flotilla.dashboard.internal.Sessions.Session;

/**
 * {@code /login}: the sign-in page, a sign-in with user name and password (a form post), and the
 * one-time link ({@code /login?once=TOKEN}); {@code /logout} ends the session.
 */
@Component(service = Servlet.class)
@HttpWhiteboardContextSelect(DashboardGate.SELECT)
@HttpWhiteboardServletPattern({"/login", "/logout"})
public final class LoginServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final int MAX_FIELD = 256;

    private final transient Access access;
    private final transient Assets assets;

    @Activate
    public LoginServlet(@Reference Access access, @Reference Assets assets) {
        this.access = access;
        this.assets = assets;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!"/login".equals(request.getServletPath())) {
            response.sendError(HttpServletResponse.SC_METHOD_NOT_ALLOWED);
            return;
        }
        String once = request.getParameter("once");
        if (once != null) {
            Optional<Session> session = access.redeem(once);
            if (session.isPresent()) {
                enter(request, response, session.get());
            } else {
                response.sendRedirect("/login?expired");
            }
            return;
        }
        assets.serve("login.html", response);
    }

    /** A HEAD (a link preview) must not use up the one-time link, as the GET it stands for would. */
    @Override
    protected void doHead(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.sendError(HttpServletResponse.SC_METHOD_NOT_ALLOWED);
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if ("/logout".equals(request.getServletPath())) {
            if (request.getAttribute(Access.SESSION) instanceof Session session) {
                access.signOut(session);
            }
            response.addCookie(Access.cookie(request, null));
            response.sendRedirect("/login");
            return;
        }
        String user = request.getParameter("username");
        String password = request.getParameter("password");
        if (user == null || password == null || user.isBlank() || user.length() > MAX_FIELD || password.length() > MAX_FIELD) {
            response.sendRedirect("/login?failed=missing");
            return;
        }
        Access.SignIn signIn = access.signIn(user.strip(), password.toCharArray());
        if (signIn.session().isEmpty()) {
            response.sendRedirect("/login?failed=" + signIn.refusal().name().toLowerCase(java.util.Locale.ROOT));
            return;
        }
        enter(request, response, signIn.session().get());
    }

    private void enter(HttpServletRequest request, HttpServletResponse response, Session session) throws IOException {
        // A session id chosen before sign-in (a fixed cookie) is never kept: each sign-in opens a new one,
        // and ends the one this browser had
        access.current(request).ifPresent(access::signOut);
        response.addCookie(Access.cookie(request, session));
        response.setHeader("Cache-Control", "no-store");
        response.sendRedirect("/");
    }
}
