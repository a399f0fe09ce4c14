package io.flotilla.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.ThreadFactory;

import org.junit.jupiter.api.Test;

class DaemonThreadsTest {

    @Test
    void aSingleThreadExecutorsThreadCarriesItsNameAndCannotHoldTheJvm() {
        Thread thread = DaemonThreads.named("flotilla-x").newThread(() -> { });

        assertEquals("flotilla-x", thread.getName());
        assertTrue(thread.isDaemon());
    }

    @Test
    void aPoolNumbersItsThreadsFromOne() {
        ThreadFactory pool = DaemonThreads.numbered("agent");

        assertEquals("agent-1", pool.newThread(() -> { }).getName());
        assertEquals("agent-2", pool.newThread(() -> { }).getName());
        assertEquals("agent-1", DaemonThreads.numbered("agent").newThread(() -> { }).getName(), "each pool counts alone");
    }
}
