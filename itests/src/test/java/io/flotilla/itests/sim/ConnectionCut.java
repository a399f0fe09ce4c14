package io.flotilla.itests.sim;

import java.lang.reflect.Field;

import com.hivemq.client.internal.mqtt.MqttClientConfig;
import com.hivemq.client.internal.mqtt.MqttClientConnectionConfig;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;

/**
 * Closes a client's TCP connection under it, without the DISCONNECT packet its {@code disconnect()}
 * sends: the broker sees a connection lost, as when a Pi loses power, and publishes the Will. HiveMQ's
 * client has no public way to do so; its MQTT 3 view holds the client's configuration, whose current
 * connection has the Netty channel. The version is pinned in the build, and a change that breaks this
 * fails here loudly, not silently.
 */
final class ConnectionCut {

    private ConnectionCut() {
    }

    static void close(Mqtt3AsyncClient client) {
        try {
            Object view = client.getConfig();
            Field delegate = view.getClass().getDeclaredField("delegate");
            delegate.setAccessible(true);
            MqttClientConnectionConfig connection = ((MqttClientConfig) delegate.get(view)).getRawConnectionConfig();
            if (connection != null) {
                connection.getChannel().close();
            }
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new IllegalStateException("cannot reach the connection of HiveMQ's MQTT client "
                    + client.getClass().getName() + " to cut it", e);
        }
    }
}
