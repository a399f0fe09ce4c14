package io.flotilla.dashboard.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

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
 *
 * <p>One thread finds what each page lacks; the writes go to a pool with at most one write per page
 * at a time, so a page that stops reading (a laptop asleep, a stuck tunnel) holds up only itself,
 * until the server's idle timeout closes it. Pages that have seen the same version share one
 * encoding of what they lack.
 */
@Component(service = Servlet.class, configurationPid = DashboardConfig.PID)
@HttpWhiteboardContextSelect(DashboardGate.SELECT)
@HttpWhiteboardServletPattern("/api/stream")
@HttpWhiteboardServletAsyncSupported
public final class StreamServlet extends HttpServlet {

    static final int MAX_PAGES = 32;
    static final int MAX_PAGES_PER_SESSION = 8;
    private static final long serialVersionUID = 1L;
    private static final long KEEP_ALIVE_MILLIS = 15_000;
    private static final Logger LOG = LoggerFactory.getLogger(StreamServlet.class);

    private final transient FleetFeed feed;
    private final transient Access access;
    private final transient ScheduledExecutorService pusher = Executors.newSingleThreadScheduledExecutor(
            DaemonThreads.named("flotilla-dashboard-push"));
    private final transient ExecutorService writers = new ThreadPoolExecutor(0, MAX_PAGES, 30, TimeUnit.SECONDS,
            new SynchronousQueue<>(), DaemonThreads.numbered("flotilla-dashboard-write-"));
    private final transient Set<Page> pages = ConcurrentHashMap.newKeySet();
    private final transient AtomicBoolean failing = new AtomicBoolean();

    /** One open page. Its fields are touched by one thread at a time: the pusher, or the writer its flag admits. */
    private static final class Page {
        final AsyncContext async;
        final Session session;
        volatile long seen;
        volatile long lastWrite;
        final AtomicBoolean writing = new AtomicBoolean();

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
        writers.shutdownNow();
        pages.forEach(this::close);
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!(request.getAttribute(Access.SESSION) instanceof Session session)) {
            Responses.error(response, HttpServletResponse.SC_UNAUTHORIZED, "sign in first"); // the gate did not pass it
            return;
        }
        response.setContentType("text/event-stream");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        response.flushBuffer();
        AsyncContext async = request.startAsync();
        async.setTimeout(0);
        Page page = new Page(async, session, lastEventId(request));
        if (!admit(page)) {
            write(page, "event: too-many-pages\ndata: {}\n\n", System.currentTimeMillis());
            async.complete();
            return;
        }
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
    }

    /** Adds the page unless the dashboard, or its session, has as many open as it may. */
    private synchronized boolean admit(Page page) {
        long ofSession = pages.stream().filter(p -> p.session.id().equals(page.session.id())).count();
        if (pages.size() >= MAX_PAGES || ofSession >= MAX_PAGES_PER_SESSION) {
            return false;
        }
        pages.add(page);
        return true;
    }

    private void pushAll() {
        try {
            long now = System.currentTimeMillis();
            Map<Long, Push> encoded = new HashMap<>(); // by the version a page has seen
            for (Page page : pages) {
                if (page.writing.compareAndSet(false, true)) {
                    Push push = next(page, now, encoded);
                    if (push == null) {
                        page.writing.set(false);
                    } else {
                        writers.execute(() -> send(page, push, now));
                    }
                }
            }
            if (failing.compareAndSet(true, false)) {
                LOG.info("Dashboard: pushing to the pages again");
            }
        } catch (RejectedExecutionException e) {
            // deactivated meanwhile
        } catch (RuntimeException | Error e) {
            if (failing.compareAndSet(false, true)) { // once; the next tick tries again
                LOG.warn("Dashboard: cannot push the fleet's changes to the pages", e);
            }
        }
    }

    /** What a page is sent: an event's text, the version it brings the page to (or 0), and whether it ends the page. */
    private record Push(String text, long version, boolean last) {

        static final Push SIGNED_OUT = new Push("event: signed-out\ndata: {}\n\n", 0, true);
        static final Push KEEP_ALIVE = new Push(": still here\n\n", 0, false);
        static final Push NOTHING = new Push("", 0, false);
    }

    /** What {@code page} gets next, or null for nothing now. */
    private Push next(Page page, long now, Map<Long, Push> encoded) {
        if (access.stillOpen(page.session).isEmpty()) {
            return Push.SIGNED_OUT;
        }
        Push changes = encoded.computeIfAbsent(page.seen, this::encode);
        if (changes != Push.NOTHING) {
            return changes;
        }
        return now - page.lastWrite > KEEP_ALIVE_MILLIS ? Push.KEEP_ALIVE : null;
    }

    private Push encode(long seen) {
        FleetModel.Delta delta = feed.model().since(seen);
        if (delta.isEmpty()) {
            return Push.NOTHING;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("version", delta.version());
        body.put("full", delta.full());
        body.put("nodes", delta.nodes());
        body.put("nodes_gone", delta.nodesGone());
        body.put("agents", delta.agents());
        body.put("agents_gone", delta.agentsGone());
        body.put("events", delta.events());
        return new Push("id: " + delta.version() + "\ndata: " + new String(Responses.mapper().toBytes(body), StandardCharsets.UTF_8)
                + "\n\n", delta.version(), false);
    }

    /** On a writer thread: one write to one page. */
    private void send(Page page, Push push, long now) {
        try {
            write(page, push.text(), now);
            if (push.last()) {
                close(page);
            } else if (push.version() > 0) {
                page.seen = push.version();
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("Dashboard: a page went away", e); // the browser closed it: nothing to report
            close(page);
        } finally {
            page.writing.set(false);
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
