# source env.sh <a|b|c>   -- sets environment for one evaluation node
# Port plan (all in 31000-31999): epmd 31369; CLI dist 31900-31910
#   node a: amqp 31672 dist 31673 mqtt 31883
#   node b: amqp 31682 dist 31683 mqtt 31884
#   node c: amqp 31692 dist 31693 mqtt 31885
N=$1
case $N in a) P=0;; b) P=1;; c) P=2;; *) echo "usage: . env.sh a|b|c"; return 1;; esac
BASE=/tmp/rmq-eval
export PATH=/usr/lib/rabbitmq/bin:$PATH       # root-run scripts, not the /usr/sbin su-wrappers
export HOME=$BASE/home                        # shared $HOME/.erlang.cookie
export ERL_EPMD_PORT=31369 ERL_EPMD_ADDRESS=127.0.0.1
export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
export RABBITMQ_CTL_DIST_PORT_MIN=31900 RABBITMQ_CTL_DIST_PORT_MAX=31910
export RABBITMQ_NODENAME=rabbit-$N@localhost
export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
export RABBITMQ_NODE_PORT=$((31672 + P*10))
export RABBITMQ_DIST_PORT=$((31673 + P*10))
export RABBITMQ_MNESIA_BASE=$BASE/$N/mnesia
export RABBITMQ_MNESIA_DIR=$BASE/$N/mnesia/rabbit-$N@localhost
export RABBITMQ_LOG_BASE=$BASE/$N/log
export RABBITMQ_ENABLED_PLUGINS_FILE=$BASE/$N/enabled_plugins
export RABBITMQ_CONFIG_FILE=$BASE/$N/rabbitmq.conf
export RABBITMQ_PID_FILE=$BASE/$N/rabbit.pid
export RABBITMQ_ADVANCED_CONFIG_FILE=$BASE/$N/advanced.config
export RABBITMQ_CONF_ENV_FILE=$BASE/$N/rabbitmq-env.conf   # (empty; avoid /etc/rabbitmq/rabbitmq-env.conf)
export MQTT_PORT=$((31883 + P))
