package io.flotilla.bench;

import io.flotilla.itests.process.Fleet;
import io.flotilla.itests.process.Installation;

/**
 * The figures that need real nodes: {@code bin/flotilla} processes and a real broker (Mosquitto with
 * Nagle off, and the embedded one), driven over MQTT by {@link BenchClient}. Here the sections run, in
 * the table's order, on one fleet per broker; what each measures is in a class of its own.
 */
final class FleetBenchmarks {

    private final Main.Mode mode;
    private final Report report;
    private final Installation installation;
    private final Sections sections;

    FleetBenchmarks(Main.Mode mode, Report report, Installation installation, Sections sections) {
        this.mode = mode;
        this.report = report;
        this.installation = installation;
        this.sections = sections;
    }

    void run() throws Exception {
        BootAndMemoryBenchmarks boot = new BootAndMemoryBenchmarks(mode, report, installation);
        sections.run("boot time and idle memory", boot::bootAndMemory);
        sections.run("dashboard at scale", new DashboardScaleBenchmarks(mode, report, installation)::dashboardAtScale);
        String spawn = "spawn latency";
        String restart = "restart latency";
        String askMosquitto = "remote ask (Mosquitto)";
        String tlsCost = "TLS cost (Mosquitto)";
        String signatureCost = "signature cost (Mosquitto)";
        String migration = "migration";
        String density = "agents per node";
        String failures = "failure detection";
        String fromSource = "agents from source";
        String metaspace = "metaspace of agents from source";
        if (sections.anySelected(spawn, restart, askMosquitto, tlsCost, signatureCost, migration, density, failures, fromSource,
                metaspace)) {
            try (Fleet fleet = Fleet.prepare(Fleet.BrokerKind.MOSQUITTO, installation)) {
                allowFixtures(fleet);
                fleet.startNodes("a", "b");
                try (BenchClient client = new BenchClient(fleet.brokerUrl())) {
                    client.subscribe("agents/+/heartbeat", "nodes/+/status", "nodes/+/migrate_result", "bench/#");
                    SpawnAndRestartBenchmarks spawning = new SpawnAndRestartBenchmarks(mode, report, fleet, client);
                    RemoteAskBenchmarks asks = new RemoteAskBenchmarks(mode, report, fleet, client, "Mosquitto");
                    MigrationAndFailureBenchmarks moves = new MigrationAndFailureBenchmarks(mode, report, fleet, client);
                    DensityBenchmarks heap = new DensityBenchmarks(mode, report, fleet, client);
                    sections.run(spawn, spawning::spawnLatency);
                    sections.run(restart, spawning::restartLatency);
                    sections.run(askMosquitto, asks::remoteAsk);
                    sections.run(tlsCost, new TlsCostBenchmarks(mode, report, installation, client)::tlsCost);
                    sections.run(signatureCost, new SignatureCostBenchmarks(mode, report, installation, fleet, client)::signatureCost);
                    sections.run(migration, moves::migration);
                    sections.run(density, heap::agentsPerNode);
                    SourceAgentBenchmarks source = new SourceAgentBenchmarks(mode, report, fleet, client);
                    sections.run(fromSource, source::spawnLatency);
                    sections.run(metaspace, source::metaspace);
                    sections.run(failures, moves::failureDetection);
                }
            }
        }
        String askEmbedded = "remote ask (embedded broker)";
        String brokerHeap = "agents per node, heap of the embedded broker";
        if (sections.anySelected(askEmbedded, brokerHeap)) {
            try (Fleet fleet = Fleet.prepare(Fleet.BrokerKind.EMBEDDED, installation)) {
                allowFixtures(fleet);
                fleet.startNodes("a", "b");
                try (BenchClient client = new BenchClient(fleet.brokerUrl())) {
                    client.subscribe("agents/+/heartbeat", "bench/#");
                    RemoteAskBenchmarks asks = new RemoteAskBenchmarks(mode, report, fleet, client, "the embedded broker");
                    DensityBenchmarks heap = new DensityBenchmarks(mode, report, fleet, client);
                    sections.run(askEmbedded, asks::remoteAsk);
                    sections.run(brokerHeap, heap::brokerHeapPerAgent);
                }
            }
        }
    }

    /**
     * The benchmarks' own agent bundles come from group io.flotilla.fixtures, which an operator would
     * allow; failed process() calls follow one another at poll_interval, as in Flotilla's quick cycle.
     */
    private static void allowFixtures(Fleet fleet) throws java.io.IOException {
        for (String node : new String[] {"a", "b"}) {
            fleet.configure(node, "io.flotilla.security.cfg", "bundle.locations",
                    "mvn:io.flotilla/, mvn:io.flotilla.fixtures/, file:${karaf.base}/deploy/");
            // The restart figure times restarting to running; the crasher's failures come at poll_interval
            fleet.configure(node, "io.flotilla.agents.cfg", "process.backoff", "poll");
        }
    }
}
