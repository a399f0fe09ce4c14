package io.flotilla.examples.internal;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ServiceScope;

import io.flotilla.api.Agent;
import io.flotilla.api.AgentContext;
import io.flotilla.api.AgentType;
import io.flotilla.api.Message;

/**
 * Measures asks from here to another agent, wherever it runs: sent
 * {@code {"target": "echo-1", "count": 1000, "concurrency": 1}}, it asks the target that many times,
 * at most {@code concurrency} at once, and replies with the round trips it saw: {@code p50_ms},
 * {@code p99_ms}, {@code mean_ms}, {@code max_ms}, {@code per_second}, {@code errors}. It never
 * blocks: the reply is a stage that completes with the last answer.
 */
@Component(service = Agent.class, scope = ServiceScope.PROTOTYPE)
@AgentType("pinger")
public class PingerAgent implements Agent {

    private static final int MAX_COUNT = 1_000_000;

    @Override
    @SuppressWarnings("unchecked")
    public Object handle(Message message, AgentContext ctx) {
        Map<String, Object> request = message.payloadAs(Map.class);
        Object target = request.get("target");
        if (!(target instanceof String agent)) {
            throw new IllegalArgumentException("pinger needs {\"target\": agent name, \"count\": n, \"concurrency\": c}");
        }
        int count = intIn(request, "count", 100, 1, MAX_COUNT);
        int concurrency = intIn(request, "concurrency", 1, 1, 10_000);
        Duration timeout = Duration.ofMillis(Math.round(number(request, "timeout", 30) * 1000));
        return new Run(ctx, agent, count, Math.min(concurrency, count), timeout, request.getOrDefault("payload", "ping")).start();
    }

    /** One measurement: {@code concurrency} chains of asks until {@code count} have ended. */
    private static final class Run {
        private final AgentContext ctx;
        private final String target;
        private final int count;
        private final int concurrency;
        private final Duration timeout;
        private final Object payload;
        private final long[] nanos;
        private final AtomicInteger issued = new AtomicInteger();
        private final AtomicInteger ended = new AtomicInteger();
        private final AtomicInteger errors = new AtomicInteger();
        private final CompletableFuture<Map<String, Object>> done = new CompletableFuture<>();
        private long started;

        Run(AgentContext ctx, String target, int count, int concurrency, Duration timeout, Object payload) {
            this.ctx = ctx;
            this.target = target;
            this.count = count;
            this.concurrency = concurrency;
            this.timeout = timeout;
            this.payload = payload;
            this.nanos = new long[count];
        }

        CompletableFuture<Map<String, Object>> start() {
            started = System.nanoTime();
            for (int i = 0; i < concurrency; i++) {
                next();
            }
            return done;
        }

        private void next() {
            int index = issued.getAndIncrement();
            if (index >= count) {
                return;
            }
            long sent = System.nanoTime();
            ctx.ask(target, payload, timeout).whenComplete((reply, failure) -> {
                nanos[index] = System.nanoTime() - sent;
                if (failure != null) {
                    errors.incrementAndGet();
                }
                if (ended.incrementAndGet() == count) {
                    done.complete(summary(System.nanoTime() - started));
                } else {
                    next();
                }
            });
        }

        private Map<String, Object> summary(long elapsedNanos) {
            long[] sorted = nanos.clone();
            Arrays.sort(sorted);
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("target", target);
            result.put("count", count);
            result.put("concurrency", concurrency);
            result.put("p50_ms", millis(sorted[rank(0.50)]));
            result.put("p99_ms", millis(sorted[rank(0.99)]));
            result.put("mean_ms", millis(Arrays.stream(sorted).sum() / count));
            result.put("max_ms", millis(sorted[count - 1]));
            result.put("per_second", Math.round(count / (elapsedNanos / 1e9)));
            result.put("errors", errors.get());
            return result;
        }

        /** The nearest-rank percentile's index. */
        private int rank(double percentile) {
            return Math.max(0, (int) Math.ceil(percentile * count) - 1);
        }

        private static double millis(long nanos) {
            return Math.round(nanos / 1000.0) / 1000.0;
        }
    }

    private static int intIn(Map<String, Object> request, String key, int fallback, int min, int max) {
        double value = number(request, key, fallback);
        if (value < min || value > max || value != Math.rint(value)) {
            throw new IllegalArgumentException("'" + key + "' must be a whole number from " + min + " to " + max);
        }
        return (int) value;
    }

    private static double number(Map<String, Object> request, String key, double fallback) {
        Object value = request.get(key);
        if (value == null) {
            return fallback;
        }
        if (!(value instanceof Number number)) {
            throw new IllegalArgumentException("'" + key + "' must be a number");
        }
        return number.doubleValue();
    }
}
