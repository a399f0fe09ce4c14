#!/bin/bash
# setup_node.sh <a|b|c> [classic|quorum]  -- create dir + config for one node (does not start it)
set -e
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/env.sh" "$1"
QT=${2:-classic}
mkdir -p $BASE/$1/mnesia $BASE/$1/log
: > $RABBITMQ_CONF_ENV_FILE
echo '[].' > $RABBITMQ_ADVANCED_CONFIG_FILE
echo '[rabbitmq_mqtt].' > $RABBITMQ_ENABLED_PLUGINS_FILE
cat > $RABBITMQ_CONFIG_FILE <<CONF
listeners.tcp.default = 127.0.0.1:$RABBITMQ_NODE_PORT
loopback_users = none
mqtt.listeners.tcp.default = 127.0.0.1:$MQTT_PORT
mqtt.allow_anonymous = true
mqtt.default_user = guest
mqtt.default_pass = guest
mqtt.vhost = /
mqtt.exchange = amq.topic
mqtt.durable_queue_type = $QT
log.file.level = info
CONF
echo "configured node $1 ($RABBITMQ_NODENAME) mqtt=$MQTT_PORT durable_queue_type=$QT"
