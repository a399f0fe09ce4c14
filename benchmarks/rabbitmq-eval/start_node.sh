#!/bin/bash
# start_node.sh <a|b|c>  -- start node in background, wait until booted, print beam PID
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/env.sh" "$1"
cd $BASE/$1
rm -f "$RABBITMQ_PID_FILE"
nohup rabbitmq-server >> $BASE/$1/stdout.log 2>&1 < /dev/null &
t0=$(date +%s.%N)
for i in $(seq 1 120); do
  rabbitmqctl -q -n $RABBITMQ_NODENAME await_startup --timeout 60 >/dev/null 2>&1 && break
  sleep 0.5
done
t1=$(date +%s.%N)
echo "node $RABBITMQ_NODENAME booted in $(echo "$t1 - $t0" | bc) s; beam pid $(cat $RABBITMQ_PID_FILE 2>/dev/null)"
