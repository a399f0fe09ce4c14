package io.flotilla.migration.internal;

import java.io.IOException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.flotilla.api.Subscription;
import io.flotilla.runtime.AgentCode;
import io.flotilla.runtime.AgentCode.CodeSource;
import io.flotilla.runtime.DaemonThreads;
import io.flotilla.runtime.FleetLink;

/**
 * Sends the bundle of an agent type to a node that takes in one of its agents and cannot install the
 * bundle from its location: {@code nodes/{n}/code_request {"type", "sha256"}} is answered with the
 * bundle's bytes (base64) on the request's {@code reply_to}, provided they still hash to {@code sha256}.
 */
@Component(immediate = true, configurationPid = MigrationConfig.PID)
public final class CodeServer {

    private static final Logger LOG = LoggerFactory.getLogger(CodeServer.class);

    private final AgentCode code;
    private final FleetLink fleet;
    private final WireJson json = new WireJson();
    private final ExecutorService worker;
    private final Subscription requests;

    @Activate
    public CodeServer(@Reference AgentCode code, @Reference FleetLink fleet) {
        this.code = code;
        this.fleet = fleet;
        this.worker = Executors.newSingleThreadExecutor(DaemonThreads.named("flotilla-code-server"));
        this.requests = fleet.subscribe(fleet.topics().own("code_request"), (topic, payload, retained) -> {
            try {
                worker.execute(() -> serve(payload));
            } catch (RejectedExecutionException stopping) {
                LOG.debug("Code request while stopping: not served");
            }
        });
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        requests.close();
        worker.shutdown();
        if (!worker.awaitTermination(10, TimeUnit.SECONDS)) {
            worker.shutdownNow();
        }
    }

    private void serve(byte[] payload) {
        Map<String, Object> request;
        String replyTo;
        try {
            request = json.object(payload, 64 * 1024);
            replyTo = WireJson.text(request, "reply_to");
        } catch (IllegalArgumentException e) {
            LOG.warn("Ignoring a code request: {}", e.getMessage());
            return;
        }
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("request_id", request.get("request_id"));
        try {
            String type = WireJson.text(request, "type");
            CodeSource source = code.sourceOf(type).orElseThrow(() -> new IllegalStateException(
                    "no bundle provides agent type '" + type + "' on node " + fleet.topics().node()));
            if (request.get("sha256") instanceof String wanted && !wanted.equalsIgnoreCase(String.valueOf(source.sha256()))) {
                throw new IllegalStateException("the bundle of agent type '" + type + "' here is no longer the one offered");
            }
            byte[] bytes = code.read(source);
            reply.put("success", true);
            reply.put("type", type);
            reply.put("location", source.location());
            reply.put("sha256", source.sha256());
            reply.put("size", bytes.length);
            reply.put("data", Base64.getEncoder().encodeToString(bytes));
            LOG.info("Sending the {} bytes of {} (agent type {})", bytes.length, source.location(), type);
        } catch (IOException | RuntimeException e) {
            reply.put("success", false);
            reply.put("error", e.getMessage());
            LOG.warn("Code request refused: {}", e.getMessage());
        }
        fleet.publish(replyTo, reply, false);
    }
}
