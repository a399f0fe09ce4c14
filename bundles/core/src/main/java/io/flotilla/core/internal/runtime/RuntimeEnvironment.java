package io.flotilla.core.internal.runtime;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.function.DoubleSupplier;

import io.flotilla.core.internal.exec.Scheduler;
import io.flotilla.core.internal.store.AgentRecordStore;
import io.flotilla.core.internal.store.StateStore;
import io.flotilla.util.Json;

/**
 * What an {@link AgentSystem} runs on. The OSGi component passes real threads and files; the
 * tests and the self-test pass a manual clock that is also the executor (core's test support).
 *
 * @param nodeName     this node's name
 * @param dispatcher   the shared pool agents' callbacks run on
 * @param events       where agent events are delivered to listeners: one thread at a time, in order
 * @param scheduler    timers and the clock
 * @param random       0..1, for restart jitter
 * @param json         the JSON binding
 * @param states       persisted agent state
 * @param records      spawned agents, for restarts of the node
 * @param installer    installs bundles a spawn names
 * @param bootTypeWait how long an agent restored at boot waits for its type to appear
 * @param stopTimeout  how long a stop waits for an agent's running callback to return
 * @param processBackoff how long an agent waits after a failed {@code process()}
 */
public record RuntimeEnvironment(String nodeName, Executor dispatcher, Executor events, Scheduler scheduler, DoubleSupplier random,
        Json json, StateStore states, AgentRecordStore records, Installer installer, Duration bootTypeWait,
        Duration stopTimeout, ProcessBackoff processBackoff) {

    /** An environment with the Wactorz runner's pauses after failed {@code process()} calls, the node's default. */
    public RuntimeEnvironment(String nodeName, Executor dispatcher, Executor events, Scheduler scheduler,
            DoubleSupplier random, Json json, StateStore states, AgentRecordStore records, Installer installer,
            Duration bootTypeWait, Duration stopTimeout) {
        this(nodeName, dispatcher, events, scheduler, random, json, states, records, installer, bootTypeWait, stopTimeout,
                ProcessBackoff.WACTORZ);
    }
}
