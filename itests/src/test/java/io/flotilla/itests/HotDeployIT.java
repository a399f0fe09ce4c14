package io.flotilla.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

import io.flotilla.api.AgentState;
import io.flotilla.api.Reply;

/** deploy/: descriptors spawn and stop agents; bundles bring types, autostart and new code. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class HotDeployIT extends FlotillaTestSupport {

    @Test
    public void aDescriptorSpawnsItsAgentAChangeReplacesItAndDeletionStopsIt() throws Exception {
        Path descriptor = deployFolder().resolve("hot-counter.agent.json");
        Files.writeString(descriptor, "{\"name\": \"hot-counter\", \"type\": \"counter\", \"poll_interval\": 0.1}");

        awaitState("hot-counter", AgentState.RUNNING);
        await("it counts", () -> count("hot-counter") >= 3);

        Files.writeString(descriptor, "{\"name\": \"hot-counter\", \"type\": \"counter\", \"poll_interval\": 0.1, "
                + "\"config\": {\"step\": 100}}");
        await("the changed descriptor to replace the agent",
                () -> agents.info("hot-counter").map(d -> Integer.valueOf(100).equals(d.config().settings().get("step")))
                        .orElse(false));
        long before = count("hot-counter");
        await("counting in steps of 100 from where it was", () -> count("hot-counter") >= before + 200);

        Files.delete(descriptor);
        await("deleting the descriptor to stop and forget the agent", () -> agents.find("hot-counter").isEmpty());
        assertTrue("its state is kept", Files.exists(dataFolder().resolve("state/hot-counter.json")));
    }

    @Test
    public void anInvalidDescriptorSpawnsNothingAndDisturbsNothing() throws Exception {
        spawn(Map.of("name", "calm", "type", "echo", "poll_interval", 0));
        awaitState("calm", AgentState.RUNNING);
        Path bad = deployFolder().resolve("bad.agent.json");
        Files.writeString(bad, "{\"name\": \"bad one\", \"type\": \"echo\"}");
        Path good = deployFolder().resolve("after-bad.agent.json");
        Files.writeString(good, "{\"name\": \"after-bad\", \"type\": \"echo\"}");

        awaitState("after-bad", AgentState.RUNNING);

        assertFalse(agents.list().stream().anyMatch(a -> a.name().startsWith("bad")));
        assertEquals(AgentState.RUNNING, stateOf("calm"));
        Files.delete(bad);
        Files.delete(good);
    }

    @Test
    public void aBundleDroppedIntoDeployBringsItsTypeAndItsAutostartAgent() throws Exception {
        Path jar = deployFolder().resolve("greeter.jar");
        Files.copy(fixture("greeter-v1.jar"), jar, StandardCopyOption.REPLACE_EXISTING);

        await("the greeter type", () -> agents.types().contains("greeter"));
        awaitState("greeter", AgentState.RUNNING);
        assertTrue(agents.info("greeter").orElseThrow().provider().startsWith(Fixtures.GREETER_BSN + "/1.0.0"));

        spawn(Map.of("name", "fast-greeter", "type", "greeter", "poll_interval", 0.05));
        await("fast-greeter counts", () -> count("fast-greeter") >= 5);
        assertTrue(ask("fast-greeter").startsWith("v1:"));

        // Replace the jar: fileinstall updates the bundle in place.
        long before = count("fast-greeter");
        Files.copy(fixture("greeter-v2.jar"), jar, StandardCopyOption.REPLACE_EXISTING);
        await("the agent to run on version 2", () -> agents.info("fast-greeter")
                .map(d -> d.provider() != null && d.provider().startsWith(Fixtures.GREETER_BSN + "/2.0.0")
                        && d.info().state() == AgentState.RUNNING).orElse(false));
        String reply = ask("fast-greeter");
        assertTrue(reply, reply.startsWith("v2:"));
        assertTrue("the count carried over: " + reply + " after " + before,
                Long.parseLong(reply.substring(3)) >= before);
        assertEquals("an update is not a crash", 0, agents.find("fast-greeter").orElseThrow().restartCount());

        Files.delete(jar);
        await("the type to go with its bundle", () -> !agents.types().contains("greeter"));
        awaitState("fast-greeter", AgentState.WAITING);
        agents.remove("fast-greeter", true);
        agents.remove("greeter", true);
    }

    @Test
    public void bundleUpdateKeepsMessagesThatArriveMeanwhile() throws Exception {
        Bundle bundle = bundleContext.installBundle("file:" + fixture("greeter-v1.jar"));
        bundle.start();
        spawn(Map.of("name", "updated", "type", "greeter", "poll_interval", 0.05));
        awaitState("updated", AgentState.RUNNING);

        bundle.stop();
        awaitState("updated", AgentState.WAITING);
        CompletableFuture<Reply> waiting = agents.ask("updated", "are you there?", Duration.ofSeconds(30)).toCompletableFuture();
        bundle.update(Files.newInputStream(fixture("greeter-v2.jar")));
        bundle.start();

        String reply = (String) waiting.get(DEADLINE.toSeconds(), java.util.concurrent.TimeUnit.SECONDS).value();
        assertTrue("answered by the new code: " + reply, reply.startsWith("v2:"));
        agents.remove("updated", true);
        agents.remove("greeter", true);
        bundle.uninstall();
    }

    @Test
    public void uninstallingAFeatureTakesItsTypesAwayAndInstallingItBringsThemBack() {
        spawn(Map.of("name", "feature-counter", "type", "counter", "poll_interval", 0.05));
        awaitState("feature-counter", AgentState.RUNNING);

        executeCommand("feature:uninstall flotilla-examples");
        awaitState("feature-counter", AgentState.WAITING);
        assertFalse(agents.types().contains("counter"));
        long countWhileAway = count("feature-counter");

        executeCommand("feature:install flotilla-examples");
        awaitState("feature-counter", AgentState.RUNNING);
        await("counting on from " + countWhileAway, () -> count("feature-counter") > countWhileAway);
        agents.remove("feature-counter", true);
    }

    private String ask(String agent) {
        return (String) agents.ask(agent, "hi", Duration.ofSeconds(10)).toCompletableFuture().join().value();
    }

    private long count(String agent) {
        Object count = agents.info(agent).map(d -> d.persisted().get("count")).orElse(null);
        return count == null ? 0 : ((Number) count).longValue();
    }
}
