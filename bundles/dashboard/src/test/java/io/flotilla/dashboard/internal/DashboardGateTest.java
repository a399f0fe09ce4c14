package io.flotilla.dashboard.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DashboardGateTest {

    @Test
    void theLoopbackNamesWithAnyPortAreThisMachine() {
        for (String host : new String[] {"127.0.0.1:8181", "localhost:8181", "LOCALHOST:1", "[::1]:8181", "127.0.0.1", "[::1]"}) {
            assertTrue(DashboardGate.loopbackHost(host), host);
        }
    }

    @Test
    void anyOtherNameIsAPageOfAnotherSiteRebindingItsName() {
        for (String host : new String[] {"evil.example:8181", "127.0.0.1.evil.example", "localhost.evil:80", "10.0.0.5:8181",
                "[::2]:8181", "", "127.0.0.2:8181"}) {
            assertFalse(DashboardGate.loopbackHost(host), host);
        }
        assertFalse(DashboardGate.loopbackHost(null));
    }
}
