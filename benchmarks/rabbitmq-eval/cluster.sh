#!/bin/bash
# cluster.sh: manage the throwaway evaluation nodes under /tmp/rmq-eval
#   cluster.sh up <classic|quorum> a b [c]   fresh dirs, start nodes, join b (and c) to a
#   cluster.sh start <node>                  (re)start one existing node (keeps its data)
#   cluster.sh kill9 <node>                  SIGKILL that node's beam.smp (PID from its pid file)
#   cluster.sh pid <node>                    print beam PID
#   cluster.sh mirror <node>                 classic mirrored-queue policy (ha-mode all) on mqtt-subscription-* queues
#   cluster.sh status <node>                 rabbitmqctl cluster_status via that node
#   cluster.sh queues <node>                 rabbitmqctl list_queues via that node
#   cluster.sh down                          stop all eval nodes (SIGTERM->SIGKILL by PID) and our epmd
HERE=$(cd "$(dirname "$0")" && pwd)
BASE=/tmp/rmq-eval
ctl() { ( . "$HERE/env.sh" "$1" >/dev/null; shift; rabbitmqctl "$@" ); }
beampid() { cat $BASE/$1/rabbit.pid 2>/dev/null; }
alive() { local p; p=$(beampid $1); [ -n "$p" ] && kill -0 "$p" 2>/dev/null && grep -q beam /proc/$p/cmdline 2>/dev/null; }
case "$1" in
  up)
    qt=$2; shift 2
    "$0" down
    for n in "$@"; do rm -rf $BASE/$n; "$HERE/setup_node.sh" $n $qt; done
    for n in "$@"; do "$HERE/start_node.sh" $n; done
    first=$1; shift
    for n in "$@"; do
      ctl $n -n rabbit-$n@localhost stop_app
      ctl $n -n rabbit-$n@localhost join_cluster rabbit-$first@localhost
      ctl $n -n rabbit-$n@localhost start_app
    done
    ctl $first -n rabbit-$first@localhost cluster_status --formatter json | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); print("disk_nodes", d["disk_nodes"], "running", d["running_nodes"])'
    ;;
  start) "$HERE/start_node.sh" $2 ;;
  kill9) p=$(beampid $2); alive $2 && kill -9 "$p" && echo "SIGKILLed beam $p of rabbit-$2" ;;
  pid) beampid $2 ;;
  mirror) ctl $2 -n rabbit-$2@localhost set_policy --apply-to queues mqtt-ha '^mqtt-subscription-' '{"ha-mode":"all","ha-sync-mode":"automatic"}' ;;
  status) ctl $2 -n rabbit-$2@localhost cluster_status --formatter json | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); print("disk_nodes", d["disk_nodes"], "running", d["running_nodes"], "partitions", d.get("partitions"))' ;;
  queues) ctl $2 -n rabbit-$2@localhost -q list_queues --timeout 15 name type durable auto_delete messages state pid leader members ;;
  down)
    for n in a b c; do
      if alive $n; then p=$(beampid $n); kill "$p"; for i in $(seq 1 40); do kill -0 $p 2>/dev/null || break; sleep 0.5; done; kill -0 $p 2>/dev/null && kill -9 $p; echo "stopped rabbit-$n (beam $p)"; fi
    done
    # our epmd is the one listening on 31369
    ep=$(ss -ltnpH "sport = :31369" | grep -o 'epmd",pid=[0-9]*' | head -1 | grep -o '[0-9]*$')
    [ -n "$ep" ] && kill "$ep" && echo "stopped epmd $ep"
    true ;;
  *) echo "see header"; exit 1 ;;
esac
