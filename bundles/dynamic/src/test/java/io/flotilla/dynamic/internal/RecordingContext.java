package io.flotilla.dynamic.internal;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import io.flotilla.api.AgentConfig;
import io.flotilla.api.AgentContext;
import io.flotilla.api.AgentInfo;
import io.flotilla.api.AgentState;
import io.flotilla.api.NodeInfo;
import io.flotilla.api.Reply;
import io.flotilla.api.Severity;
import io.flotilla.api.Subscription;
import io.flotilla.util.Json;

/** An agent's context that keeps what the agent did: what a node would publish, log and store. */
final class RecordingContext implements AgentContext {

    final List<String> published = new CopyOnWriteArrayList<>();
    final List<String> logged = new CopyOnWriteArrayList<>();
    final Map<String, Object> stored = new ConcurrentHashMap<>();
    private final Map<String, Object> scratch = new HashMap<>();
    private final AgentConfig config;
    private final Json json = new Json();

    RecordingContext(AgentConfig config) {
        this.config = config;
    }

    @Override
    public String name() {
        return config.name();
    }

    @Override
    public String node() {
        return "test-node";
    }

    @Override
    public AgentConfig config() {
        return config;
    }

    @Override
    public void publish(String topic, Object data) {
        published.add(topic + " " + new String(json.toBytes(data)));
    }

    @Override
    public void publishResult(Object result) {
        publish("result", result);
    }

    @Override
    public void log(String message) {
        logged.add(message);
    }

    @Override
    public void alert(String message, Severity severity) {
        logged.add(severity.wireName() + ": " + message);
    }

    @Override
    public void persist(String key, Object value) {
        stored.put(key, value);
    }

    @Override
    public <T> Optional<T> recall(String key, Class<T> type) {
        return Optional.ofNullable(stored.get(key)).map(type::cast);
    }

    @Override
    public Map<String, Object> state() {
        return scratch;
    }

    @Override
    public void tell(String agent, Object payload) {
        throw new UnsupportedOperationException("no other agents here");
    }

    @Override
    public CompletionStage<Reply> ask(String agent, Object payload, Duration timeout) {
        return CompletableFuture.completedFuture(new Reply() {
            @Override
            public String from() {
                return agent;
            }

            @Override
            public Object value() {
                return Map.of("echo", payload);
            }

            @Override
            public <T> T valueAs(Class<T> type) {
                return type.cast(value());
            }
        });
    }

    @Override
    public Subscription subscribe(String topicFilter, Consumer<io.flotilla.api.Message> handler) {
        throw new UnsupportedOperationException("no broker here");
    }

    @Override
    public List<AgentInfo> agents() {
        return List.of(new AgentInfo(config.name(), "actor-1", "dynamic", "test-node", AgentState.RUNNING, 0));
    }

    @Override
    public List<NodeInfo> nodes() {
        return List.of();
    }

    @Override
    public void finish() {
    }
}
