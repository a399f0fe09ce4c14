package io.flotilla.dashboard.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardContextSelect;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletAsyncSupported;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import io.flotilla.dashboard.internal.Sessions.Session;
import io.flotilla.util.DaemonThreads;

/**
 * {@code /api/stream}: the fleet, pushed to each open page as server-sent events. A page first gets
 * everything, then every push interval what changed since the version it has; a page that
 * reconnects names the last version it got (Last-Event-ID) and gets only what it missed. A page
 * whose session ended gets {@code signed-out} and is closed.
 */
@Component(service = Servlet.class, configurationPid = DashboardConfig.PID)
@HttpWhiteboardContextSelect(DashboardGate.SELECT)
@HttpWhiteboardServletPattern("/api/stream")
@HttpWhiteboardServletAsyncSupported
public final class StreamServlet extends HttpServlet {

    static final int MAX_PAGES = 32;
    private static final long serialVersionUID = 1L;
    private static final long KEEP_ALIVE_MILLIS = 15_000;
    private static final Logger LOG = LoggerFactory.getLogger(StreamServlet.class);

    private final transient FleetFeed feed;
    private final transient Access access;
    private final transient ScheduledExecutorService pusher = Executors.newSingleThreadScheduledExecutor(
            DaemonThreads.named("flotilla-dashboard-push"));
    private final transient Set<Page> pages = ConcurrentHashMap.newKeySet();

    /** One open page. Touched by the pusher thread only, once added. */
    private static final class Page {
        final AsyncContext async;
        final Session session;
        long seen;
        long lastWrite;

        Page(AsyncContext async, Session session, long seen) {
            this.async = async;
            this.session = session;
            this.seen = seen;
        }
    }

    @Activate
    public StreamServlet(DashboardConfig config, @Reference FleetFeed feed, @Reference Access access) {
        this.feed = feed;
        this.access = access;
        long period = Math.max(50, Math.round(config.push_interval() * 1000));
        pusher.scheduleWithFixedDelay(this::pushAll, period, period, TimeUnit.MILLISECONDS);
    }

    @Deactivate
    void deactivate() {
        pusher.shutdownNow();
        pages.forEach(this::close);
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (pages.size() >= MAX_PAGES) {
            Responses.error(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE,
                    "the dashboard has " + MAX_PAGES + " open pages already: close one");
            return;
        }
        Session session = (Session) request.getAttribute(Access.SESSION);
        response.setContentType("text/event-stream");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        response.flushBuffer();
        AsyncContext async = request.startAsync();
        async.setTimeout(0);
        Page page = new Page(async, session, lastEventId(request));
        async.addListener(new AsyncListener() {
            @Override
            public void onComplete(AsyncEvent event) {
                pages.remove(page);
            }

            @Override
            public void onTimeout(AsyncEvent event) {
                pages.remove(page);
            }

            @Override
            public void onError(AsyncEvent event) {
                pages.remove(page);
            }

            @Override
            public void onStartAsync(AsyncEvent event) {
                // not started again
            }
        });
        pages.add(page);
    }

    private void pushAll() {
        long now = System.currentTimeMillis();
        for (Page page : pages) {
            try {
                push(page, now);
            } catch (IOException | RuntimeException e) {
                LOG.debug("Dashboard: a page went away", e); // the browser closed it: nothing to report
                close(page);
            }
        }
    }

    private void push(Page page, long now) throws IOException {
        if (access.stillOpen(page.session).isEmpty()) {
            write(page, "event: signed-out\ndata: {}\n\n", now);
            close(page);
            return;
        }
        FleetModel.Delta delta = feed.model().since(page.seen);
        if (!delta.isEmpty()) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("version", delta.version());
            body.put("full", delta.full());
            body.put("nodes", delta.nodes());
            body.put("nodes_gone", delta.nodesGone());
            body.put("agents", delta.agents());
            body.put("agents_gone", delta.agentsGone());
            body.put("events", delta.events());
            write(page, "id: " + delta.version() + "\ndata: " + new String(Responses.mapper().toBytes(body),
                    StandardCharsets.UTF_8) + "\n\n", now);
            page.seen = delta.version();
        } else if (now - page.lastWrite > KEEP_ALIVE_MILLIS) {
            write(page, ": still here\n\n", now);
        }
    }

    private static void write(Page page, String text, long now) throws IOException {
        var out = page.async.getResponse().getOutputStream();
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
        page.lastWrite = now;
    }

    private void close(Page page) {
        pages.remove(page);
        try {
            page.async.complete();
        } catch (IllegalStateException e) {
            // completed already
        }
    }

    private static long lastEventId(HttpServletRequest request) {
        try {
            String id = request.getHeader("Last-Event-ID");
            return id == null ? 0 : Long.parseLong(id.strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
