package io.flotilla.dynamic.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.flotilla.util.Json;

/**
 * One python3 child running one agent's code ({@code flotilla_agent.py}), spoken to in JSON lines over
 * its standard streams. Two threads of its own read its stdout (replies and the code's requests) and
 * its stderr (what the code prints); {@link #close} ends the child and both threads, each wait bounded.
 */
final class PythonChild implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PythonChild.class);
    /** What the code prints longer than this is cut: a log line, not a way to fill the node's memory. */
    private static final int MAX_PRINTED_BYTES = 2000;
    /** A message of the child longer than this ends it: the largest a node carries between nodes is 8 MiB. */
    private static final int MAX_MESSAGE_BYTES = 16 << 20;
    /** Calls in flight at most: tasks arrive faster than code that never answers them would let go. */
    private static final int MAX_CALLS = 1024;
    /** The longest a call waits for the code's answer; a task's asker gave up long before. */
    private static final java.time.Duration CALL_LIMIT = java.time.Duration.ofMinutes(10);
    private static final long EXIT_WAIT_MILLIS = 2000;

    /** What the child asks of the node: answered when it has an {@code id}, else only carried out. */
    interface Requests {
        CompletionStage<Object> handle(Map<String, Object> request);
    }

    private final String agent;
    private final Process process;
    private final OutputStream stdin;
    private final Json json;
    private final Requests requests;
    private final CompletableFuture<Map<String, Object>> compiled = new CompletableFuture<>();
    private final Map<Long, CompletableFuture<Object>> calls = new ConcurrentHashMap<>();
    private final AtomicLong callIds = new AtomicLong();
    private final Thread stdout;
    private final Thread stderr;
    /** Set once the child's replies ended: every call from then on fails at once. */
    private volatile PythonExited ended;

    private PythonChild(String agent, Process process, Json json, Requests requests, Consumer<String> printed) {
        this.agent = agent;
        this.process = process;
        this.stdin = process.getOutputStream();
        this.json = json;
        this.requests = requests;
        this.stdout = new Thread(this::readReplies, "python-" + agent + "-out");
        this.stderr = new Thread(() -> readPrinted(printed), "python-" + agent + "-err");
        stdout.setDaemon(true);
        stderr.setDaemon(true);
    }

    /** Starts {@code command} (the interpreter and the shim) in {@code directory} and sends it {@code start}. */
    static PythonChild start(String agent, List<String> command, Path directory, Map<String, Object> start, Json json,
            Requests requests, Consumer<String> printed) throws IOException {
        Process process = new ProcessBuilder(command).directory(directory.toFile()).start();
        PythonChild child = new PythonChild(agent, process, json, requests, printed);
        child.stdout.start();
        child.stderr.start();
        child.send(start);
        return child;
    }

    /** The shim's report on the code: {@code ok}, and {@code error}, {@code line}, {@code column} when it is not. */
    CompletableFuture<Map<String, Object>> compiled() {
        return compiled;
    }

    /**
     * Calls the code's {@code fn} ({@code setup}, {@code process}, {@code handle_task}); completes with its
     * value, or with {@link PythonExited} once the child is gone. A call unanswered after {@link #CALL_LIMIT}
     * fails, so that tasks the code never answers do not pile up.
     */
    CompletableFuture<Object> call(String fn, Object payload) {
        long id = callIds.incrementAndGet();
        CompletableFuture<Object> done = new CompletableFuture<>();
        if (calls.size() >= MAX_CALLS) {
            done.completeExceptionally(new IllegalStateException("agent " + agent + " has " + MAX_CALLS
                    + " calls unanswered by its code"));
            return done;
        }
        calls.put(id, done);
        done.orTimeout(CALL_LIMIT.toMillis(), TimeUnit.MILLISECONDS).whenComplete((value, failure) -> calls.remove(id));
        PythonExited gone = ended;
        if (gone != null) { // the reader ended before or while this call was registered
            done.completeExceptionally(gone);
            return done;
        }
        try {
            send(Map.of("op", "call", "id", id, "fn", fn, "payload", payload == null ? Map.of() : payload));
        } catch (IOException e) {
            done.completeExceptionally(new PythonExited(agent, exitDescription()));
        }
        return done;
    }

    boolean alive() {
        return ended == null && process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    private synchronized void send(Object message) throws IOException {
        stdin.write(json.toBytes(message));
        stdin.write('\n');
        stdin.flush();
    }

    private void readReplies() {
        try (InputStream replies = process.getInputStream()) {
            ChildLines lines = new ChildLines(replies, MAX_MESSAGE_BYTES);
            for (ChildLines.Line line = lines.next(); line != null; line = lines.next()) {
                if (line.cut()) {
                    LOG.warn("Agent {}: its python3 child sent a message over {} MiB; ending the child", agent,
                            MAX_MESSAGE_BYTES >> 20);
                    break;
                }
                try {
                    received(json.parseObject(line.text().getBytes(StandardCharsets.UTF_8)));
                } catch (IOException | RuntimeException e) {
                    LOG.warn("Agent {}: its python3 child sent what is not a message, skipped ({})", agent, e.getMessage());
                }
            }
        } catch (IOException e) {
            LOG.debug("Agent {}: reading its python3 child ended: {}", agent, e.toString());
        }
        // Whatever ended the replies, the child is of no more use: it goes, and everything waiting on it is told
        destroyTree();
        PythonExited exited = new PythonExited(agent, exitDescription());
        ended = exited;
        compiled.completeExceptionally(exited);
        List.copyOf(calls.values()).forEach(call -> call.completeExceptionally(exited));
    }

    /** The child and whatever it started itself (a subprocess of the agent's code). */
    private void destroyTree() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    private void received(Map<String, Object> message) {
        String op = String.valueOf(message.get("op"));
        switch (op) {
            case "compiled" -> compiled.complete(message);
            case "done" -> {
                CompletableFuture<Object> call = calls.remove(((Number) message.get("id")).longValue());
                if (call == null) {
                    return;
                }
                if (Boolean.TRUE.equals(message.get("ok"))) {
                    call.complete(message.get("value"));
                } else {
                    call.completeExceptionally(new PythonError(String.valueOf(message.get("error")),
                            String.valueOf(message.get("traceback"))));
                }
            }
            default -> answer(message);
        }
    }

    private void answer(Map<String, Object> request) {
        Object id = request.get("id");
        CompletionStage<Object> handled;
        try {
            handled = requests.handle(request);
        } catch (RuntimeException e) {
            LOG.debug("Agent {}: its code's request {} failed", agent, request.get("op"), e);
            handled = CompletableFuture.failedFuture(e);
        }
        if (id != null) {
            handled.whenComplete((value, failure) -> {
                try {
                    Map<String, Object> answer = new java.util.HashMap<>(Map.of("op", "answer", "id", id));
                    answer.put("value", failure == null ? value : null); // None to the code, as the runner gives
                    send(answer);
                } catch (IOException e) {
                    LOG.debug("Agent {}: answering its python3 child failed: {}", agent, e.toString());
                }
            });
        }
    }

    private void readPrinted(Consumer<String> printed) {
        try (InputStream stream = process.getErrorStream()) {
            ChildLines lines = new ChildLines(stream, MAX_PRINTED_BYTES);
            for (ChildLines.Line line = lines.next(); line != null; line = lines.next()) {
                printed.accept(line.cut() ? line.text() + "…" : line.text());
            }
        } catch (IOException e) {
            LOG.debug("Agent {}: reading what its python3 child printed ended: {}", agent, e.toString());
        }
    }

    private String exitDescription() {
        try {
            if (process.waitFor(EXIT_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                return "exited with status " + process.exitValue();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return "stopped answering";
    }

    /**
     * Closes the child's stdin, which ends its run; then terminates it, and kills it, if it lingers, and
     * what it started.
     */
    @Override
    public void close() {
        try {
            stdin.close();
        } catch (IOException e) {
            LOG.debug("Agent {}: closing its python3 child's stdin: {}", agent, e.toString());
        }
        try {
            List<ProcessHandle> started = process.descendants().toList(); // before the child ends and they lose their parent
            if (!process.waitFor(EXIT_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                process.destroy();
                if (!process.waitFor(EXIT_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly().waitFor(EXIT_WAIT_MILLIS, TimeUnit.MILLISECONDS);
                }
            }
            started.forEach(ProcessHandle::destroyForcibly);
            stdout.join(EXIT_WAIT_MILLIS);
            stderr.join(EXIT_WAIT_MILLIS);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
