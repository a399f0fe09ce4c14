package io.flotilla.core.internal.osgi;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import io.flotilla.runtime.AgentManager;
import io.flotilla.runtime.TaskStatus;
import io.flotilla.runtime.Tasks;

/** Tasks with ids: each submit is an ask whose ending is kept, for an hour and the latest 10,000. */
@Component(service = Tasks.class)
public final class TaskLedger implements Tasks {

    static final int CAPACITY = 10_000;
    static final Duration KEPT = Duration.ofHours(1);

    private final AgentManager agents;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, TaskStatus> tasks = new LinkedHashMap<>();

    @Activate
    public TaskLedger(@Reference AgentManager agents) {
        this(agents, Clock.systemUTC());
    }

    TaskLedger(AgentManager agents, Clock clock) {
        this.agents = agents;
        this.clock = clock;
    }

    @Override
    public String submit(String agent, Object payload, Duration timeout) {
        byte[] bytes = new byte[6];
        random.nextBytes(bytes);
        String id = "task-" + HexFormat.of().formatHex(bytes);
        record(new TaskStatus(id, agent, TaskStatus.State.PENDING, null, null, clock.instant(), null));
        agents.ask(agent, payload, timeout).whenComplete((reply, failure) -> {
            TaskStatus submitted = status(id).orElse(null);
            if (submitted == null) {
                return; // forgotten already
            }
            Instant now = clock.instant();
            if (failure == null) {
                record(new TaskStatus(id, agent, TaskStatus.State.DONE, reply.value(), null, submitted.submitted(), now));
            } else {
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
                record(new TaskStatus(id, agent, TaskStatus.State.FAILED, null, cause.getMessage(), submitted.submitted(), now));
            }
        });
        return id;
    }

    @Override
    public synchronized Optional<TaskStatus> status(String id) {
        return Optional.ofNullable(tasks.get(id));
    }

    private synchronized void record(TaskStatus status) {
        tasks.put(status.id(), status);
        Instant oldest = clock.instant().minus(KEPT);
        tasks.values().removeIf(t -> t.state() != TaskStatus.State.PENDING && t.finished() != null && t.finished().isBefore(oldest));
        while (tasks.size() > CAPACITY) {
            tasks.remove(tasks.keySet().iterator().next());
        }
    }
}
