package io.flotilla.dashboard.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoginLinkTest {

    @TempDir
    Path dir;

    @Test
    void theTokenSignsInOnceAndIsThenGone() throws IOException {
        Path file = dir.resolve("login-token");
        Files.writeString(file, "0a1b2c3d4e5f\n");
        LoginLink link = new LoginLink(file);
        assertTrue(link.redeem("0a1b2c3d4e5f"));
        assertFalse(Files.exists(file));
        assertFalse(link.redeem("0a1b2c3d4e5f"));
    }

    @Test
    void aWrongTokenSignsInNobodyAndLeavesTheRightOneUsable() throws IOException {
        Path file = dir.resolve("login-token");
        Files.writeString(file, "0a1b2c3d4e5f\n");
        LoginLink link = new LoginLink(file);
        assertFalse(link.redeem("0a1b2c3d4e5e"));
        assertFalse(link.redeem(""));
        assertFalse(link.redeem(null));
        assertFalse(link.redeem("x".repeat(10_000)));
        assertTrue(link.redeem("0a1b2c3d4e5f"));
    }

    @Test
    void withoutATokenFileNoLinkWorks() {
        assertFalse(new LoginLink(dir.resolve("none")).redeem("anything"));
    }

    @Test
    void anEmptyTokenFileIsNoToken() throws IOException {
        Path file = dir.resolve("login-token");
        Files.writeString(file, "\n");
        assertFalse(new LoginLink(file).redeem("\n"));
    }

    @Test
    void guessesAreThrottledForAMinute() {
        TestClock clock = new TestClock();
        LoginThrottle throttle = new LoginThrottle(clock, 3, Duration.ofMinutes(1));
        for (int i = 0; i < 3; i++) {
            assertTrue(throttle.open());
            throttle.failed();
            clock.advance(Duration.ofSeconds(10));
        }
        assertFalse(throttle.open());
        clock.advance(Duration.ofSeconds(31)); // the first failure is older than a minute now
        assertTrue(throttle.open());
    }
}
