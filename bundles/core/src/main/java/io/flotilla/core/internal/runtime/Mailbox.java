package io.flotilla.core.internal.runtime;

import java.util.Deque;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One agent's serial context: a queue of lifecycle signals and a queue of messages, drained on the
 * shared pool by one thread at a time. Signals go first; messages follow while the owner
 * {@link Owner#takesMessages() takes them}, at most {@value #THROUGHPUT} items per turn so that
 * a busy agent lets the others run. An agent with nothing queued holds no thread. Any thread may
 * {@link #signal} or {@link #enqueue}; everything else runs inside the context.
 *
 * <p>A callback that does not return even when interrupted can be {@link #abandonTurn abandoned}:
 * its thread is left where it is, and the context goes on in a new turn on another thread. The
 * abandoned turn touches nothing once its callback returns, if it ever does.
 */
final class Mailbox implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(Mailbox.class);
    static final int THROUGHPUT = 64;

    /** The agent the mailbox serves. */
    interface Owner {
        String name();

        /** Whether messages are taken now (running, or ended and answering with an error). */
        boolean takesMessages();

        /** One message, inside the context. */
        void receive(Envelope envelope);

        /** The CPU time a turn of the context took, in nanoseconds: its callbacks', mostly. */
        void charge(long cpuNanos);
    }

    private final Executor dispatcher;
    private final Owner owner;
    private final Deque<Runnable> signals = new ConcurrentLinkedDeque<>();
    private final Queue<Envelope> messages = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    // Which turn is the context's: one abandoned no longer is.
    private final AtomicInteger turn = new AtomicInteger();
    private volatile Thread callbackThread;

    Mailbox(Executor dispatcher, Owner owner) {
        this.dispatcher = dispatcher;
        this.owner = owner;
    }

    /** Runs {@code action} in the context, before any message still waiting. */
    void signal(Runnable action) {
        signals.add(action);
        schedule();
    }

    /**
     * {@link #signal} from inside the context: the turn running now takes {@code action} up after
     * the signals already queued, before any message.
     */
    void signalWithin(Runnable action) {
        signals.add(action);
    }

    void enqueue(Envelope envelope) {
        messages.add(envelope);
        size.incrementAndGet();
        schedule();
    }

    /** Messages waiting. */
    int size() {
        return size.get();
    }

    /** Takes every waiting message out, oldest first; inside the context. */
    void drainTo(Consumer<Envelope> sink) {
        Envelope envelope;
        while ((envelope = messages.poll()) != null) {
            size.decrementAndGet();
            sink.accept(envelope);
        }
    }

    /** Interrupts a callback that does not return, so that a stop can complete. */
    void interruptCallback() {
        Thread thread = callbackThread;
        if (thread != null) {
            thread.interrupt();
        }
    }

    /**
     * Gives up on the turn running now, whose callback is stuck: the context goes on in a new turn,
     * on another thread, which runs {@code then} first, before any signal already queued (a stop, a
     * pause) could touch the stuck instance. Only for a callback known not to have returned, under
     * the lock its thread takes when it returns.
     */
    void abandonTurn(Runnable then) {
        signals.addFirst(then);
        turn.incrementAndGet();
        callbackThread = null;
        scheduled.set(false);
        schedule();
    }

    private void schedule() {
        if (scheduled.compareAndSet(false, true)) {
            try {
                dispatcher.execute(this);
            } catch (RejectedExecutionException e) {
                scheduled.set(false);
                LOG.debug("Agent {} not scheduled: the node is shutting down", owner.name());
            }
        }
    }

    @Override
    public void run() {
        int mine = turn.get();
        callbackThread = Thread.currentThread();
        long cpuAtStart = CpuTime.ofCurrentThread();
        try {
            for (int budget = THROUGHPUT; budget > 0 && turn.get() == mine; budget--) {
                Runnable action = signals.poll();
                if (action != null) {
                    runSignal(action);
                    continue;
                }
                if (!owner.takesMessages()) {
                    break;
                }
                Envelope envelope = messages.poll();
                if (envelope == null) {
                    break;
                }
                size.decrementAndGet();
                owner.receive(envelope);
            }
        } finally {
            Thread.interrupted();
            if (turn.get() == mine) { // an abandoned turn leaves the context to the turn that replaced it
                owner.charge(CpuTime.ofCurrentThread() - cpuAtStart);
                callbackThread = null;
                scheduled.set(false);
                if (hasWork()) {
                    schedule();
                }
            }
        }
    }

    private boolean hasWork() {
        return !signals.isEmpty() || (owner.takesMessages() && !messages.isEmpty());
    }

    private void runSignal(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            LOG.error("Agent {}: internal error in its supervisor", owner.name(), e);
        }
    }
}
