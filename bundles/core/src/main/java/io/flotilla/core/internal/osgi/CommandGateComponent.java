package io.flotilla.core.internal.osgi;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.flotilla.core.internal.signing.BrokerReach;
import io.flotilla.core.internal.signing.NonceLedger;
import io.flotilla.core.internal.signing.OperatorKeys;
import io.flotilla.core.internal.signing.SignatureCheck;
import io.flotilla.core.internal.signing.SignaturePolicy;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;

import io.flotilla.core.internal.command.ApprovalPolicy;
import io.flotilla.core.internal.command.CommandGate;
import io.flotilla.core.internal.command.JsonSpawnConfigReader;
import io.flotilla.core.internal.command.SecurityPolicy;
import io.flotilla.runtime.NodeIdentity;
import io.flotilla.runtime.SpawnConfig;
import io.flotilla.runtime.SpawnConfigReader;
import io.flotilla.spi.fleet.FleetIdentity;
import io.flotilla.util.Json;

/**
 * The node's security policy ({@code io.flotilla.security}) and the gate that applies it: to
 * commands at the intake, to the agent manager's own callers, to spawn documents read anywhere
 * ({@link SpawnConfigReader}), and to the code the installer fetches.
 */
@Component(service = {NodeGate.class, SpawnConfigReader.class}, configurationPid = SecurityConfig.PID)
@Designate(ocd = SecurityConfig.class)
public final class CommandGateComponent implements NodeGate, SpawnConfigReader {

    private static final Logger LOG = LoggerFactory.getLogger(CommandGateComponent.class);

    private final CommandGate gate;
    private final JsonSpawnConfigReader reader;
    /** Who the fleet CA vouches for: from the MQTT bundle, which may come and go while this gate stays. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile FleetIdentity fleet;

    @Activate
    public CommandGateComponent(BundleContext context, SecurityConfig config, @Reference NodeIdentity node,
            @Reference ConfigurationAdmin configurations) throws IOException {
        Json json = new Json();
        Optional<String> reachable = BrokerReach.reachableAddress(setting(configurations, "io.flotilla.mqtt", "broker.url", ""),
                setting(configurations, "io.flotilla.broker", "host", "127.0.0.1"));
        SecurityPolicy policy = new SecurityPolicy(config.spawn_max_bytes(), config.command_max_bytes(),
                Settings.list(config.bundle_locations()), Settings.list(config.features()), config.bundle_max_bytes(),
                DynamicLanguages.of(config.dynamic_languages(), reachable));
        this.gate = new CommandGate(node.name(), node.capabilities(), policy, json,
                signatures(context, config, mode(config, reachable), node, new CurrentFleetIdentity()), approvals(config));
        this.reader = new JsonSpawnConfigReader(gate, json);
    }

    /** Who signs with the fleet CA's certificates, as the MQTT bundle says now; nobody without it. */
    private final class CurrentFleetIdentity implements FleetIdentity {
        @Override
        public Optional<NodeSignature> sign(byte[] data) {
            FleetIdentity current = fleet;
            return current == null ? Optional.empty() : current.sign(data);
        }

        @Override
        public Optional<String> signer(byte[] certificate, byte[] data, byte[] signature) {
            FleetIdentity current = fleet;
            return current == null ? Optional.empty() : current.signer(certificate, data, signature);
        }
    }

    private static ApprovalPolicy approvals(SecurityConfig config) {
        if (config.approval_expiry() < 1) {
            throw new IllegalArgumentException("approval.expiry must be at least 1 second, not " + config.approval_expiry());
        }
        ApprovalPolicy approvals = new ApprovalPolicy(Set.copyOf(Settings.list(config.approval_kinds())),
                Duration.ofSeconds(config.approval_expiry()));
        if (!approvals.kinds().isEmpty()) {
            LOG.info("Commands from the broker of kinds {} wait up to {} s for an operator's approval (agent:pending)",
                    String.join(", ", new java.util.TreeSet<>(approvals.kinds())), config.approval_expiry());
        }
        return approvals;
    }

    /**
     * {@code security.mode} as set, or else {@code signed} unless the broker is on loopback; open with a
     * broker others can reach is warned about at every start.
     */
    private static SignaturePolicy.Mode mode(SecurityConfig config, Optional<String> reachable) {
        if (config.mode().isBlank()) {
            SignaturePolicy.Mode mode = reachable.isPresent() ? SignaturePolicy.Mode.SIGNED : SignaturePolicy.Mode.OPEN;
            LOG.info("security.mode is {}: the broker {}", mode.name().toLowerCase(java.util.Locale.ROOT),
                    reachable.map(address -> "at " + address + " is not on loopback").orElse("is on loopback"));
            return mode;
        }
        SignaturePolicy.Mode mode = SignaturePolicy.Mode.of(config.mode());
        if (mode == SignaturePolicy.Mode.OPEN && reachable.isPresent()) {
            LOG.warn("security.mode = open, and the broker at {} is not on loopback: anyone who can publish to it can "
                    + "install code on this node and stop its agents (docs/security.md, \"Signed commands\")", reachable.get());
        }
        return mode;
    }

    /** A setting of another bundle's configuration, as it is now: where the broker is (read, never bound). */
    private static String setting(ConfigurationAdmin configurations, String pid, String key, String otherwise)
            throws IOException {
        try {
            Configuration[] found = configurations.listConfigurations("(service.pid=" + pid + ")");
            Object value = found == null || found[0].getProperties() == null ? null : found[0].getProperties().get(key);
            return value == null ? otherwise : value.toString();
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e); // the filter is this class's own
        }
    }

    /** Who may sign commands, from etc/operators/, and whether unsigned ones are taken. */
    private static SignaturePolicy signatures(BundleContext context, SecurityConfig config, SignaturePolicy.Mode mode,
            NodeIdentity node, FleetIdentity fleet) throws IOException {
        Path directory = config.operators_dir().isBlank()
                ? Path.of(context.getProperty("karaf.etc") != null ? context.getProperty("karaf.etc") : "etc", "operators")
                : Path.of(config.operators_dir().trim());
        OperatorKeys operators;
        try {
            operators = OperatorKeys.load(directory);
        } catch (IOException e) {
            // Fail closed for signed commands, and keep the shell and deploy/ working
            LOG.error("This node trusts no operator: {}", e.getMessage());
            operators = OperatorKeys.none();
        }
        if (mode == SignaturePolicy.Mode.SIGNED && operators.names().isEmpty()) {
            LOG.warn("security.mode = signed, and {} holds no operator's key: no operator's command can change this node",
                    directory);
        } else if (mode == SignaturePolicy.Mode.SIGNED) {
            LOG.info("Commands that change this node must be signed by {} ({})", String.join(", ", operators.names()), directory);
        }
        SignatureCheck check = new SignatureCheck(node.name(), operators, fleet,
                new NonceLedger(node.dataDirectory().resolve("signed-command-nonces"), Clock.systemUTC()), Clock.systemUTC());
        return new SignaturePolicy(mode, check);
    }

    @Override
    public CommandGate gate() {
        return gate;
    }

    @Override
    public SpawnConfig read(byte[] json) {
        return reader.read(json);
    }

    @Override
    public SpawnConfig read(String json) {
        return reader.read(json);
    }

    @Override
    public String write(SpawnConfig config) {
        return reader.write(config);
    }

    @Override
    public int maxDocumentBytes() {
        return reader.maxDocumentBytes();
    }
}
