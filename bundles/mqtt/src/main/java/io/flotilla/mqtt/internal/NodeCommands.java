package io.flotilla.mqtt.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.flotilla.spi.fleet.FleetCommands;
import io.flotilla.spi.fleet.FleetIdentity;
import io.flotilla.spi.fleet.FleetRequests;
import io.flotilla.util.Json;
import io.flotilla.util.OperatorSigner;
import io.flotilla.util.SignedEnvelope;

/**
 * Signs what this node sends to other nodes' command topics: a migration's messages with the node's
 * fleet certificate, the local operator's commands (the shell's) with the operator key of
 * {@code operator.key} in {@code io.flotilla.security.cfg}. What there is no key for goes unsigned,
 * as the Wactorz protocol has it.
 */
@Component(service = FleetCommands.class, configurationPid = NodeCommands.SECURITY_PID)
public final class NodeCommands implements FleetCommands {

    static final String SECURITY_PID = "io.flotilla.security";
    /** Long enough for a command queued in a node's session while it reconnects; the most a node takes is 10 minutes. */
    static final Duration VALIDITY = Duration.ofMinutes(5);
    private static final Logger LOG = LoggerFactory.getLogger(NodeCommands.class);

    /** The setting of {@code io.flotilla.security} this component reads; the rest are the intake's. */
    @interface Signing {
        String operator_key() default "";
    }

    private final FleetConnection fleet;
    private final FleetRequests requests;
    private final FleetIdentity identity;
    private final OperatorSigner operator;
    private final Json json = new Json();
    private final Clock clock = Clock.systemUTC();

    @Activate
    public NodeCommands(Signing config, @Reference FleetConnection fleet, @Reference FleetRequests requests,
            @Reference FleetIdentity identity) {
        this.fleet = fleet;
        this.requests = requests;
        this.identity = identity;
        this.operator = operator(config.operator_key().trim());
    }

    @Override
    public CompletionStage<Map<String, Object>> request(String node, String kind, Map<String, Object> command,
            Duration timeout) {
        return request(node, kind, command, timeout, false);
    }

    @Override
    public CompletionStage<Map<String, Object>> requestAsOperator(String node, String kind, Map<String, Object> command,
            Duration timeout) {
        return request(node, kind, command, timeout, true);
    }

    private CompletionStage<Map<String, Object>> request(String node, String kind, Map<String, Object> command,
            Duration timeout, boolean asOperator) {
        FleetRequests.Expected expected = requests.expect(timeout);
        Map<String, Object> body = new LinkedHashMap<>(command);
        body.put("request_id", expected.requestId());
        body.put("reply_to", expected.replyTopic());
        fleet.publish(fleet.topics().ofNode(node, kind), signed(node, kind, body, asOperator), false);
        return expected.reply();
    }

    @Override
    public void send(String node, String kind, Map<String, Object> command) {
        fleet.publish(fleet.topics().ofNode(node, kind), signed(node, kind, command, false), false);
    }

    /**
     * {@code command} as its signer signs it for {@code node}: the node, for a migration's message; the
     * operator, for the operator's own; as it is when there is no signer for it.
     */
    private Map<String, Object> signed(String node, String kind, Map<String, Object> command, boolean asOperator) {
        String text = new String(json.toBytes(command), StandardCharsets.UTF_8);
        try {
            if (SignedEnvelope.NODE_KINDS.contains(kind)) {
                SignedEnvelope envelope = SignedEnvelope.fresh(SignedEnvelope.NODE_KEY + fleet.topics().node(), node, kind,
                        clock.instant(), VALIDITY);
                return identity.sign(envelope.signedBytes(text))
                        .map(signature -> envelope.document(text, signature.value(), signature.certificate()))
                        .orElse(command);
            }
            return operator == null || !asOperator ? command : operator.sign(node, kind, text, clock.instant(), VALIDITY);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the " + kind + " for node " + node + " cannot be signed: " + e.getMessage(), e);
        }
    }

    private static OperatorSigner operator(String file) {
        if (file.isEmpty()) {
            return null;
        }
        try {
            OperatorSigner signer = OperatorSigner.of(Path.of(file));
            LOG.info("Commands this node sends other nodes are signed by operator {}", signer.name());
            return signer;
        } catch (IOException | GeneralSecurityException e) {
            // Never the key itself: only where it should have been, and why it is not usable
            LOG.error("operator.key {} is no operator key ({}): commands this node sends go unsigned", file, e.getMessage());
            return null;
        }
    }
}
