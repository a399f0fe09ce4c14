package io.flotilla.dashboard.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardContextSelect;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import io.flotilla.api.AskException;
import io.flotilla.dashboard.internal.Sessions.Session;
import io.flotilla.runtime.AgentManager;
import io.flotilla.runtime.FleetControl;
import io.flotilla.runtime.FleetRegistry;
import io.flotilla.runtime.Migrations;
import io.flotilla.runtime.NodeIdentity;
import io.flotilla.runtime.SpawnConfigReader;

/**
 * {@code /api/*}: {@code GET session}, {@code agent?name=}, {@code targets?name=}, {@code types};
 * {@code POST spawn} (a spawn document), {@code stop}, {@code restart}, {@code migrate},
 * {@code send} (JSON objects naming the agent). The gate has checked the session and, for a POST,
 * its CSRF token. A refused action answers 422 with the reason, which the page shows.
 */
@Component(service = Servlet.class)
@HttpWhiteboardContextSelect(DashboardGate.SELECT)
@HttpWhiteboardServletPattern("/api/*")
public final class ApiServlet extends HttpServlet {

    static final int MAX_BODY = 512 * 1024;
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ApiServlet.class);

    private final transient Actions actions;
    private final transient Queries queries;
    private final String self;

    @Activate
    public ApiServlet(@Reference FleetFeed feed, @Reference AgentManager agents, @Reference FleetControl fleet,
            @Reference Migrations migrations, @Reference SpawnConfigReader reader, @Reference FleetRegistry registry,
            @Reference NodeIdentity node) {
        this.self = node.name();
        this.actions = new Actions(agents, fleet, migrations, reader, feed.model(), self);
        this.queries = new Queries(agents, registry, feed, self);
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!(request.getAttribute(Access.SESSION) instanceof Session session)) {
            Responses.error(response, HttpServletResponse.SC_UNAUTHORIZED, "sign in first"); // the gate did not pass it
            return;
        }
        try {
            switch (String.valueOf(request.getPathInfo())) {
                case "/session" -> Responses.json(response, 200, Map.of("user", session.user(), "csrf", session.csrfToken(),
                        "node", self));
                case "/agent" -> Responses.json(response, 200, queries.agent(required(request.getParameter("name"), "name")));
                case "/targets" -> Responses.json(response, 200, queries.targets(required(request.getParameter("name"), "name")));
                case "/types" -> Responses.json(response, 200, queries.types());
                default -> Responses.error(response, 404, "no such query: " + request.getPathInfo());
            }
        } catch (NoSuchElementException | IllegalArgumentException e) {
            Responses.error(response, 404, e.getMessage());
        }
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!(request.getAttribute(Access.SESSION) instanceof Session session)) {
            Responses.error(response, HttpServletResponse.SC_UNAUTHORIZED, "sign in first"); // the gate did not pass it
            return;
        }
        String action = String.valueOf(request.getPathInfo());
        try {
            byte[] body = body(request);
            CompletionStage<?> outcome = switch (action) {
                case "/spawn" -> actions.spawn(body);
                case "/stop" -> actions.stop(field(object(body), "name"));
                case "/restart" -> actions.restart(field(object(body), "name"));
                case "/migrate" -> {
                    Map<String, Object> fields = object(body);
                    yield actions.migrate(field(fields, "name"), field(fields, "target"));
                }
                case "/send" -> {
                    Map<String, Object> fields = object(body);
                    yield actions.send(field(fields, "name"), fields.get("message"));
                }
                default -> null;
            };
            if (outcome == null) {
                Responses.error(response, 404, "no such action: " + action);
                return;
            }
            Object result = outcome.toCompletableFuture().get(Actions.TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS);
            LOG.info("Dashboard: {} by {}: {}", action.substring(1), Access.printable(session.user()),
                    Access.printable(result instanceof String line ? line : "done"));
            Responses.json(response, 200, result instanceof String line ? Map.of("message", line) : result);
        } catch (ExecutionException | CompletionException e) {
            refuse(response, action, session, e.getCause() != null ? e.getCause() : e);
        } catch (TimeoutException e) {
            refuse(response, action, session, new IllegalStateException("no answer within " + Actions.TIMEOUT.toSeconds() + " s"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            refuse(response, action, session, e);
        } catch (IOException | RuntimeException e) {
            refuse(response, action, session, e);
        }
    }

    private static void refuse(HttpServletResponse response, String action, Session session, Throwable cause) throws IOException {
        Throwable reason = cause instanceof CompletionException && cause.getCause() != null ? cause.getCause() : cause;
        String message;
        if (reason instanceof IllegalArgumentException || reason instanceof IllegalStateException
                || reason instanceof AskException || reason instanceof IOException || reason instanceof TimeoutException) {
            message = reason.getMessage() == null ? reason.getClass().getSimpleName() : reason.getMessage();
            LOG.info("Dashboard: {} by {} refused: {}", action.substring(1), Access.printable(session.user()), Access.printable(message));
        } else {
            message = "the node failed to " + action.substring(1) + ": see its log";
            LOG.warn("Dashboard: {} by {} failed", action.substring(1), Access.printable(session.user()), reason);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", message);
        Responses.json(response, 422, body);
    }

    private static Map<String, Object> object(byte[] body) throws IOException {
        return Responses.mapper().parseObject(body);
    }

    private static String field(Map<String, Object> fields, String name) {
        Object value = fields.get(name);
        return required(value instanceof String text ? text : null, name);
    }

    private static String required(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("missing " + name);
        }
        return value;
    }

    private static byte[] body(HttpServletRequest request) throws IOException {
        try (InputStream in = request.getInputStream()) {
            byte[] bytes = in.readNBytes(MAX_BODY + 1);
            if (bytes.length > MAX_BODY) {
                throw new IllegalArgumentException("the request is larger than " + MAX_BODY / 1024 + " KiB");
            }
            return bytes;
        }
    }
}
