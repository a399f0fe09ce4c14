package io.flotilla.itests;

import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.maven;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.features;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;

import java.io.File;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

import io.flotilla.api.AgentInfo;
import io.flotilla.api.AgentState;
import io.flotilla.runtime.AgentManager;
import io.flotilla.runtime.SpawnConfig;
import io.flotilla.spi.fleet.FleetLink;

/** The features repository on a stock Karaf 4.4, not only in our assembly. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class StockKarafIT {

    @Inject
    private AgentManager agents;

    @Inject
    private FleetLink fleet;

    @Configuration
    public Option[] config() {
        String version = System.getProperty("flotilla.version");
        String port = String.valueOf(FlotillaTestSupport.freePort());
        return new Option[] {
            karafDistributionConfiguration()
                    .frameworkUrl(maven("org.apache.karaf", "apache-karaf").type("tar.gz").version("4.4.10"))
                    .unpackDirectory(new File("target/exam-stock"))
                    .useDeployFolder(false)
                    .name("Apache Karaf"),
            configureConsole().ignoreLocalConsole(),
            configureConsole().ignoreRemoteShell(),
            editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.localRepository",
                    System.getProperty("maven.repo.local", System.getProperty("user.home") + "/.m2/repository")),
            editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.repositories", " "),
            // Stock Karaf boots the management feature; move its RMI ports off the defaults.
            editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiRegistryPort", "0"),
            editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiServerPort", "0"),
            editConfigurationFilePut("etc/io.flotilla.broker.cfg", "port", port),
            editConfigurationFilePut("etc/io.flotilla.mqtt.cfg", "broker.port", port),
            features(maven("io.flotilla", "flotilla-features").classifier("features").type("xml").version(version),
                    "flotilla", "flotilla-broker", "flotilla-examples"),
        };
    }

    @Test
    public void featureInstallFlotillaGivesAWorkingAgentManager() throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!agents.types().containsAll(Set.of("echo", "counter")) && System.nanoTime() < end) {
            Thread.sleep(50);
        }
        assertTrue(agents.types().toString(), agents.types().containsAll(Set.of("echo", "counter", "temperature-sensor", "crasher")));

        agents.spawn(SpawnConfig.fromMap(Map.of("name", "stock-echo", "type", "echo", "poll_interval", 0)));
        Object reply = agents.ask("stock-echo", "hello from stock Karaf", Duration.ofSeconds(10)).toCompletableFuture().get().value();

        assertTrue(String.valueOf(reply), "hello from stock Karaf".equals(reply));
        assertTrue(agents.find("stock-echo").map(AgentInfo::state).orElse(null) == AgentState.RUNNING);
    }

    @Test
    public void theNodeJoinsItsEmbeddedBroker() throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!fleet.isConnected() && System.nanoTime() < end) {
            Thread.sleep(50);
        }
        assertTrue("connected to " + fleet.broker(), fleet.isConnected());
    }
}
