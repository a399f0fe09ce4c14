package io.flotilla.core.internal.runtime;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

import io.flotilla.api.AgentConfig;
import io.flotilla.api.AgentContext;
import io.flotilla.api.AgentInfo;
import io.flotilla.api.Message;
import io.flotilla.api.NodeInfo;
import io.flotilla.api.Reply;
import io.flotilla.api.Severity;
import io.flotilla.api.Subscription;
import io.flotilla.util.Json;

/** The {@link AgentContext} of one run of one agent. */
final class CellContext implements AgentContext {

    private final AgentCell cell;
    private final int run;
    private final Map<String, Object> scratch = new HashMap<>();
    // Set when the run's instance is abandoned to a stuck thread: what it does later is no longer the agent's.
    private volatile boolean fenced;

    CellContext(AgentCell cell, int run) {
        this.cell = cell;
        this.run = run;
    }

    /** The instance of this run was abandoned: whatever it does from now on has no effect. */
    void fence() {
        fenced = true;
    }

    private void live() {
        if (fenced) {
            throw new IllegalStateException("this instance of agent " + cell.name() + " was abandoned after a process()"
                    + " call that did not return; a fresh instance has taken over");
        }
    }

    @Override
    public String name() {
        return cell.name();
    }

    @Override
    public String node() {
        return cell.system().nodeName();
    }

    @Override
    public AgentConfig config() {
        return cell.config();
    }

    @Override
    public void publish(String topic, Object data) {
        live();
        cell.system().messaging().publish(topic, data);
    }

    @Override
    public void publishResult(Object result) {
        live();
        // A JSON copy now: it must be serialisable, and the agent may change its own afterwards.
        Json json = cell.json();
        cell.status().result(json.fromTree(json.toTree(result), Object.class));
    }

    @Override
    public void log(String message) {
        live();
        cell.status().recordLog(Severity.INFO, message);
    }

    @Override
    public void alert(String message, Severity severity) {
        live();
        cell.status().alert(message, severity);
    }

    @Override
    public void persist(String key, Object value) {
        live();
        cell.persisted().persist(key, value);
    }

    @Override
    public <T> Optional<T> recall(String key, Class<T> type) {
        return cell.persisted().recall(key, type);
    }

    @Override
    public Map<String, Object> state() {
        return scratch;
    }

    @Override
    public void tell(String agent, Object payload) {
        live();
        cell.system().messaging().tell(cell.name(), agent, payload);
    }

    @Override
    public CompletionStage<Reply> ask(String agent, Object payload, Duration timeout) {
        live();
        return cell.system().messaging().ask(cell.name(), agent, payload, timeout);
    }

    @Override
    public Subscription subscribe(String topicFilter, Consumer<Message> handler) {
        live();
        return cell.subscribe(run, topicFilter, handler);
    }

    @Override
    public List<AgentInfo> agents() {
        return cell.system().list();
    }

    @Override
    public List<NodeInfo> nodes() {
        return cell.system().messaging().nodes();
    }

    @Override
    public void finish() {
        live();
        cell.requestFinish(run);
    }
}
