package io.flotilla.broker.internal;

import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.core.protocol.mqtt.MQTTInterceptor;
import org.apache.activemq.artemis.spi.core.protocol.RemotingConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttMessage;

/**
 * Keeps the pair's cluster account off the MQTT listeners. Artemis lets its cluster account pass
 * every check on every listener, before the security manager is asked: with the pair's secret, an
 * MQTT client naming that account would escape the fleet's rules, on the enrollment listener even
 * without a certificate. Only the other broker of the pair uses it, on {@code ha.port}, over
 * Artemis' core protocol, which MQTT interceptors never see. A refused CONNECT closes the connection.
 */
final class PairAccountGuard implements MQTTInterceptor {

    private static final Logger LOG = LoggerFactory.getLogger(PairAccountGuard.class);

    private final String account;

    PairAccountGuard(String account) {
        this.account = account;
    }

    @Override
    public boolean intercept(MqttMessage packet, RemotingConnection connection) throws ActiveMQException {
        if (packet instanceof MqttConnectMessage connect && account.equals(connect.payload().userName())) {
            LOG.warn("Refused an MQTT client from {}: it named the broker pair's account, which only the other broker of "
                    + "the pair may use, on ha.port", connection.getRemoteAddress());
            return false;
        }
        return true;
    }
}
