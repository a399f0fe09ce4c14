package eval;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * NODES connections to 127.0.0.1:PORT, each as a Flotilla node holding AGENTS agents would: a persistent
 * session, a retained status, and per agent a QoS 1 subscription to its task topic and one publish
 * each to its heartbeat and manifest topics. Prints "done" and waits for stdin to close.
 */
public final class Clients {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int nodes = Integer.parseInt(args[1]);
        int agents = Integer.parseInt(args[2]);
        List<Mqtt3AsyncClient> clients = new ArrayList<>();
        for (int n = 0; n < nodes; n++) {
            Mqtt3AsyncClient client = Mqtt3Client.builder().identifier("flotilla-n" + n).serverHost("127.0.0.1")
                    .serverPort(port).buildAsync();
            client.connectWith().cleanSession(false).keepAlive(600).send().get();
            client.publishes(MqttGlobalPublishFilter.ALL, publish -> { });
            List<CompletableFuture<?>> pending = new ArrayList<>();
            pending.add(client.publishWith().topic("nodes/n" + n + "/status").qos(MqttQos.AT_LEAST_ONCE).retain(true)
                    .payload("{\"status\":\"online\"}".getBytes(StandardCharsets.UTF_8)).send());
            for (int a = 0; a < agents; a++) {
                String id = "n" + n + "-a" + a;
                pending.add(client.subscribeWith().topicFilter("agents/by-name/" + id + "/task").qos(MqttQos.AT_LEAST_ONCE).send());
                pending.add(client.publishWith().topic("agents/" + id + "/heartbeat").qos(MqttQos.AT_LEAST_ONCE)
                        .payload(("{\"agent\":\"" + id + "\",\"state\":\"running\"}").getBytes(StandardCharsets.UTF_8)).send());
                pending.add(client.publishWith().topic("agents/" + id + "/manifest").qos(MqttQos.AT_LEAST_ONCE)
                        .payload(("{\"agent\":\"" + id + "\",\"type\":\"echo\"}").getBytes(StandardCharsets.UTF_8)).send());
            }
            CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get();
            clients.add(client);
        }
        System.out.println("done " + nodes * agents + " agents");
        while (System.in.read() >= 0) {
            // held until the driver closes stdin
        }
        for (Mqtt3AsyncClient client : clients) {
            client.disconnect().get();
        }
        System.exit(0); // the client's Netty threads would keep the JVM
    }
}
