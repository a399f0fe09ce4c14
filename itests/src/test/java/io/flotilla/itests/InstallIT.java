package io.flotilla.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

import io.flotilla.api.AgentState;
import io.flotilla.runtime.AgentDetails;

/** A spawn that names a bundle installs it, waits for the type, and fails clearly when it cannot. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class InstallIT extends FlotillaTestSupport {

    @Test
    public void aSpawnInstallsItsBundleThenRunsTheAgent() {
        spawn(Map.of("name", "hello-1", "type", "hello", "poll_interval", 0, "bundle", "file:" + fixture("hello.jar")));

        awaitState("hello-1", AgentState.RUNNING);
        assertTrue(agents.info("hello-1").orElseThrow().provider().startsWith("flotilla-fixture-hello/1.0.0"));
    }

    @Test
    public void aPinnedBundleIsInstalledOnlyWhenItsSha256Matches() throws Exception {
        String actual = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(Files.readAllBytes(fixture("pinned.jar"))));
        String wrong = "0".repeat(64);

        spawn(Map.of("name", "pinned-wrong", "type", "pinned", "bundle", "file:" + fixture("pinned.jar"), "sha256", wrong));
        awaitState("pinned-wrong", AgentState.FAILED);
        AgentDetails refused = agents.info("pinned-wrong").orElseThrow();
        assertTrue(refused.lastError(), refused.lastError().contains("the bundle at file:" + fixture("pinned.jar")
                + " does not have the sha256 the spawn pins"));
        assertFalse("the error does not reveal the file's hash", refused.lastError().contains(actual));
        assertEquals("nothing was installed", null, bundleContext.getBundle("file:" + fixture("pinned.jar")));

        spawn(Map.of("name", "pinned-right", "type", "pinned", "bundle", "file:" + fixture("pinned.jar"), "sha256", actual));
        awaitState("pinned-right", AgentState.RUNNING);
    }

    @Test
    public void aBundleThatCannotResolveFailsWithTheResolversReason() {
        spawn(Map.of("name", "unresolvable-1", "type", "unresolvable", "bundle", "file:" + fixture("unresolvable.jar")));

        awaitState("unresolvable-1", AgentState.FAILED);
        String error = agents.info("unresolvable-1").orElseThrow().lastError();
        assertTrue(error, error.contains("does not start"));
        assertTrue(error, error.contains("com.example.nowhere"));
        assertEquals("the broken bundle is not left behind", null,
                bundleContext.getBundle("file:" + fixture("unresolvable.jar")));
    }

    @Test
    public void aLocationOutsideTheAllowedSchemesIsRefusedBeforeAnythingRuns() {
        try {
            spawn(Map.of("name", "remote-code", "type", "x", "bundle", "http://example.invalid/agent.jar"));
            throw new AssertionError("an http: location should be refused");
        } catch (IllegalArgumentException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains("'bundle' must start with one of [mvn:, file:, feature:]"));
        }
        assertTrue(agents.find("remote-code").isEmpty());
    }
}
