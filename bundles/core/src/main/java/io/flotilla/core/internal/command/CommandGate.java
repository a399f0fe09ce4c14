package io.flotilla.core.internal.command;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.core.JsonProcessingException;

import io.flotilla.core.internal.signing.SignatureCheck;
import io.flotilla.core.internal.signing.SignaturePolicy;
import io.flotilla.runtime.CommandEnvelope;
import io.flotilla.runtime.CommandOrigin;
import io.flotilla.runtime.InvalidCommandException;
import io.flotilla.runtime.InvalidSpawnConfigException;
import io.flotilla.runtime.SpawnConfig;
import io.flotilla.util.Json;
import io.flotilla.util.MqttTopics;

/**
 * The node's one admission path: whatever a command is and wherever it came from, its document is
 * read here (size first, then JSON, one object, bounded nesting), its envelope taken apart, and its
 * fields checked (spawn configs, agent and node names, whether a command names this node). The
 * authentication and authorization of the security issues belong here too: nothing runs on this
 * node that did not pass through this class. Thread-safe and without state of its own.
 */
public final class CommandGate {

    private static final String SPAWN = "spawn";
    /** A file of {@code deploy/}: a spawn document as well. */
    private static final String DECLARE = "declare";
    private static final int MAX_REQUEST_ID = 256;

    private final String node;
    private final SecurityPolicy policy;
    private final CodeLocations locations;
    private final Json json;
    private final SignaturePolicy signatures;
    private final ApprovalPolicy approvals;
    private final Set<String> capabilities;

    /** A gate that takes unsigned commands, as the Wactorz protocol has them, and trusts no operator's key. */
    public CommandGate(String node, SecurityPolicy policy, Json json) {
        this(node, policy, json, SignaturePolicy.open());
    }

    public CommandGate(String node, SecurityPolicy policy, Json json, SignaturePolicy signatures) {
        this(node, List.of(), policy, json, signatures, ApprovalPolicy.none());
    }

    /** @param capabilities what this node offers: a spawn that {@code requires} more is refused */
    public CommandGate(String node, Collection<String> capabilities, SecurityPolicy policy, Json json,
            SignaturePolicy signatures, ApprovalPolicy approvals) {
        this.capabilities = Set.copyOf(capabilities);
        this.approvals = approvals;
        this.node = node;
        this.policy = policy;
        this.locations = policy.locations();
        this.json = json;
        this.signatures = signatures;
    }

    public SecurityPolicy policy() {
        return policy;
    }

    /** Where the node may take code from: the installer checks every location with it too. */
    public CodeLocations locations() {
        return locations;
    }

    public String node() {
        return node;
    }

    /** Which admitted commands wait for an operator's approval. */
    public ApprovalPolicy approvals() {
        return approvals;
    }

    /** The largest document of {@code kind}: a spawn's own limit, a handler's, else the node's command limit. */
    int limitFor(String kind, OptionalInt handlerLimit) {
        if (spawnDocument(kind)) {
            return policy.spawnMaxBytes();
        }
        return handlerLimit.orElse(policy.commandMaxBytes());
    }

    /** Reads a command document of at most {@code maxBytes}, then admits it. */
    Admission read(String kind, byte[] document, int maxBytes, CommandOrigin origin) {
        return admit(kind, parse(kind, document, maxBytes), origin);
    }

    /**
     * Takes the envelope off a document; the rest is the body its handler checks field by field. A
     * file in {@code deploy/} has no envelope: whatever it holds is its agent's config.
     */
    Admission admit(String kind, Map<String, Object> document, CommandOrigin origin) {
        String signer = null;
        if (origin.channel() == CommandOrigin.Channel.MQTT) {
            // Before anything else: a signed command is checked, and its own text is the command
            Optional<SignatureCheck.Verified> signed = signatures.unwrap(kind, document, origin.retained(), origin.kept());
            if (signed.isPresent()) {
                Map<String, Object> command = parse(kind, signed.get().command().getBytes(StandardCharsets.UTF_8),
                        Integer.MAX_VALUE);
                signed.get().signingNode().ifPresent(node -> speaksFor(node, command));
                document = command;
                signer = signed.get().signer();
            }
        }
        Map<String, Object> body = new LinkedHashMap<>(document);
        if (origin.channel() == CommandOrigin.Channel.DEPLOY) {
            return new Admission(kind, body, CommandEnvelope.NONE, origin);
        }
        Object requestId = body.remove("request_id");
        Object replyTo = body.remove("reply_to");
        String id = requestId(requestId);
        String replyProblem = replyProblem(replyTo);
        CommandEnvelope envelope = new CommandEnvelope(id != null ? id : origin.requestId(),
                replyProblem == null && replyTo instanceof String text && !text.isBlank() ? text : null,
                CommandEnvelope.Handling.RAN);
        if (requestId != null && id == null) {
            throw new InvalidEnvelopeException("request_id", "must be text or a whole number of at most "
                    + MAX_REQUEST_ID + " characters", envelope);
        }
        if (replyProblem != null) {
            throw new InvalidEnvelopeException("reply_to", replyProblem, envelope);
        }
        return new Admission(kind, body, envelope, origin, signer);
    }

    /**
     * Refuses a node's signed message that speaks for another node: it comes {@code from_node} its
     * signer, and its result goes to its signer's reply topic. So no node can offer an agent, call a
     * move off or ask for a bundle in another's name.
     */
    private static void speaksFor(String signer, Map<String, Object> document) {
        Object from = document.get("from_node");
        if (from != null && !signer.equals(from)) {
            throw new InvalidCommandException("from_node", "is " + from + ", and node " + signer + " signed the message");
        }
        String own = "nodes/" + signer + "/reply"; // under the fleet's topic prefix, if it has one
        Object replyTo = document.get("reply_to");
        if (replyTo != null && !(replyTo instanceof String topic && (topic.equals(own) || topic.endsWith("/" + own)))) {
            throw new InvalidCommandException("reply_to", "a message node " + signer + " signed is answered on its own"
                    + " reply topic, nodes/" + signer + "/reply");
        }
    }

    /** A request id as text: the sender's text, or a whole number; null for anything else. */
    private static String requestId(Object value) {
        String id = null;
        if (value instanceof String text) {
            id = text;
        } else if (value instanceof Integer || value instanceof Long || value instanceof java.math.BigInteger) {
            id = value.toString();
        }
        return id != null && !id.isEmpty() && id.length() <= MAX_REQUEST_ID ? id : null;
    }

    /** Why a result may not go to {@code replyTo}; null when it may, or when there is none. */
    private static String replyProblem(Object replyTo) {
        if (replyTo == null || replyTo instanceof String text && text.isBlank()) {
            return null;
        }
        if (!(replyTo instanceof String topic)) {
            return "must be a topic";
        }
        String problem = MqttTopics.replyProblem(topic);
        return problem == null ? null : "'" + MqttTopics.printable(topic) + "' " + problem;
    }

    /**
     * Checks the fields of a command another bundle handles, where the protocol defines them: a
     * {@code migrate} names an agent and a node. The node to node messages of a migration are read by
     * their handler.
     */
    void checkFields(Admission admitted) {
        if ("migrate".equals(admitted.kind())) {
            agentName("name", admitted.body().get("name"));
            nodeName("target_node", admitted.body().get("target_node"));
        }
    }

    /** A spawn document read from bytes (a file, a message): limit, JSON, fields. */
    public SpawnConfig readSpawnConfig(byte[] document) {
        return SpawnConfig.fromMap(parse(SPAWN, document, policy.spawnMaxBytes()));
    }

    /** A spawn document's fields, and that this node may run it. */
    public SpawnConfig spawnConfig(Map<String, ?> document) {
        return admitSpawn(SpawnConfig.fromMap(document));
    }

    /**
     * Refuses a config this node may not run: one that names another node, requires what this node
     * lacks, names code from where the node takes none, or brings source in a language it does not run.
     */
    public SpawnConfig admitSpawn(SpawnConfig config) {
        config.node().filter(named -> !named.equals(node)).ifPresent(named -> {
            throw new InvalidSpawnConfigException("node", "names node " + named + ", but this is node " + node);
        });
        checkRequires(config);
        checkLanguage(config);
        for (String location : config.install()) {
            locations.checkSpawn("install", location);
        }
        config.bundle().ifPresent(location -> locations.checkSpawn("bundle", location));
        return config;
    }

    /** Refuses source code in a language this node does not run ({@code dynamic.languages}). */
    public void checkLanguage(SpawnConfig config) {
        config.language().filter(language -> !policy.dynamicLanguages().contains(language)).ifPresent(language -> {
            throw new InvalidSpawnConfigException("language", "node " + node + " does not run " + language
                    + " agents from source (dynamic.languages of io.flotilla.security: "
                    + (policy.dynamicLanguages().isEmpty() ? "none" : String.join(", ", new TreeSet<>(policy.dynamicLanguages())))
                    + ")");
        });
    }

    /**
     * Refuses a config that {@code requires} a capability this node lacks: whoever placed it (another
     * node's registry, a desired state, a descriptor, a move) may have known the node wrong.
     */
    public void checkRequires(SpawnConfig config) {
        List<String> missing = config.requires().stream().filter(wanted -> !capabilities.contains(wanted)).toList();
        if (!missing.isEmpty()) {
            throw new InvalidSpawnConfigException("requires", "node " + node + " lacks " + String.join(", ", missing)
                    + " (it has " + (capabilities.isEmpty() ? "none" : String.join(", ", new java.util.TreeSet<>(capabilities)))
                    + ")");
        }
    }

    /** The agent name in {@code field} of a command. */
    public static String agentName(String field, Object value) {
        if (!(value instanceof String name)) {
            throw new InvalidCommandException(field, value == null ? "is required" : "must be text");
        }
        if (!SpawnConfig.NAME.matcher(name).matches()) {
            throw new InvalidCommandException(field, "must be 1 to 64 of A-Z a-z 0-9 . _ - and not start with '.', got '"
                    + (name.length() > 60 ? name.substring(0, 60) + "…" : name) + "'");
        }
        return name;
    }

    /** The node name in {@code field} of a command. */
    public static String nodeName(String field, Object value) {
        if (!(value instanceof String name) || !SpawnConfig.NAME.matcher(name).matches()) {
            throw new InvalidCommandException(field, value == null ? "is required" : "must be a node name");
        }
        return name;
    }

    /** Parses a JSON object of at most {@code maxBytes}, refusing anything else with a clear reason. */
    private Map<String, Object> parse(String kind, byte[] document, int maxBytes) {
        if (document.length > maxBytes) {
            throw refusal(kind, "document", "is " + document.length + " bytes, over the limit of " + maxBytes + " bytes");
        }
        try {
            return json.parseObject(document);
        } catch (JsonProcessingException e) {
            throw refusal(kind, "document", "is not valid JSON" + Json.where(e) + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw refusal(kind, "document", "is not a JSON object: " + e.getMessage());
        }
    }

    private static InvalidCommandException refusal(String kind, String field, String reason) {
        return spawnDocument(kind) ? new InvalidSpawnConfigException(field, reason) : new InvalidCommandException(field, reason);
    }

    private static boolean spawnDocument(String kind) {
        return SPAWN.equals(kind) || DECLARE.equals(kind);
    }
}
