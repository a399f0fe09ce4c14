#!/usr/bin/python3
"""Evaluate a RabbitMQ 3.10 MQTT cluster (2 nodes, then 3) against an MQTT fleet protocol.

Run as root after installing rabbitmq-server (see README.md). It drives ./cluster.sh to create
throwaway nodes under /tmp/rmq-eval (ports 31000-31999, loopback only), SIGKILLs/restarts them,
and prints one PASS/FAIL line per check with what was observed. It stops all nodes at the end.

MQTT 3.1.1 via paho-mqtt 1.6 (Debian python3-paho-mqtt). Anonymous clients (mqtt.default_user guest).

Usage: mqtt_cluster_eval.py [all|two|quorum2|quorum3|mirror2]   (mirror2 is an extra, not part of all)
"""
import os
import queue
import socket
import subprocess
import sys
import threading
import time

import paho.mqtt.client as mqtt

HERE = os.path.dirname(os.path.abspath(__file__))
PORT = {"a": 31883, "b": 31884, "c": 31885}
RESULTS = []
T0 = time.time()


def log(s):
    print(f"[{time.time() - T0:7.1f}s] {s}", flush=True)


def result(name, ok, obs):
    RESULTS.append((name, ok, obs))
    print(f"{'PASS' if ok else 'FAIL'} {name}: {obs}", flush=True)


def info(name, obs):
    RESULTS.append((name, None, obs))
    print(f"INFO {name}: {obs}", flush=True)


def cl(*args, quiet=False):
    t = time.time()
    r = subprocess.run([os.path.join(HERE, "cluster.sh"), *args], capture_output=True, text=True)
    out = (r.stdout.strip() + (" | stderr: " + r.stderr.strip()[-400:] if r.stderr.strip() else ""))
    if not quiet:
        log(f"$ cluster.sh {' '.join(args)}  -> rc={r.returncode} in {time.time() - t:.1f}s\n    "
            + out.replace("\n", "\n    "))
    return r


class Client:
    """Thin synchronous wrapper over paho 1.6 with our own network loop (no auto-reconnect)."""

    def __init__(self, cid, node, clean=True, will=None, connect_timeout=8.0):
        self.cid, self.node = cid, node
        self.msgs = queue.Queue()
        self.connack = None
        self._ev_conn = threading.Event()
        self._subacks = {}
        self._sub_ev = threading.Event()
        self._stop = False
        self.loop_rc = None
        self.c = mqtt.Client(client_id=cid, clean_session=clean, protocol=mqtt.MQTTv311)
        self.c.on_connect = self._on_connect
        self.c.on_message = lambda c, u, m: self.msgs.put(
            (time.time(), m.topic, m.payload.decode(errors="replace"), bool(m.retain), m.qos))
        self.c.on_subscribe = self._on_subscribe
        if will:
            self.c.will_set(*will)
        t = time.time()
        self.c.connect("127.0.0.1", PORT[node], keepalive=30)  # raises on TCP refusal
        self._th = threading.Thread(target=self._run, daemon=True)
        self._th.start()
        if not self._ev_conn.wait(connect_timeout):
            self.close()
            raise TimeoutError(f"no CONNACK from node {node} within {connect_timeout}s (loop rc={self.loop_rc})")
        self.connect_time = time.time() - t
        if self.connack is None:
            self.close()
            raise ConnectionError(f"connection closed before CONNACK (loop rc={self.loop_rc})")
        rc = self.connack["rc"]
        if rc != 0:
            self.close()
            raise ConnectionError(f"CONNACK rc={rc} ({mqtt.connack_string(rc)})")
        self.session_present = bool(self.connack["flags"].get("session present"))

    def _on_connect(self, c, u, flags, rc):
        self.connack = {"flags": flags, "rc": rc}
        self._ev_conn.set()

    def _on_subscribe(self, c, u, mid, granted):
        self._subacks[mid] = granted
        self._sub_ev.set()

    def _run(self):
        while not self._stop:
            rc = self.c.loop(0.05)
            if rc != 0:
                self.loop_rc = rc
                self._ev_conn.set()
                break

    @property
    def connected(self):
        return self.loop_rc is None and not self._stop

    def subscribe(self, topic, qos=1, timeout=8.0):
        rc, mid = self.c.subscribe(topic, qos)
        if rc != 0:
            raise RuntimeError(f"subscribe rc={rc}")
        end = time.time() + timeout
        while mid not in self._subacks and time.time() < end:
            self._sub_ev.wait(0.1)
            self._sub_ev.clear()
        if mid not in self._subacks:
            raise TimeoutError(f"no SUBACK for {topic} within {timeout}s")
        return self._subacks[mid]

    def publish(self, topic, payload, qos=1, retain=False, timeout=8.0):
        inf = self.c.publish(topic, payload, qos=qos, retain=retain)
        if qos == 0:
            return True
        try:
            inf.wait_for_publish(timeout=timeout)
        except Exception as e:  # noqa
            log(f"publish wait error: {e!r}")
            return False
        return inf.is_published()

    def collect(self, seconds, until=None):
        """Gather messages for up to `seconds` (or until predicate(list) is true)."""
        out, end = [], time.time() + seconds
        while time.time() < end:
            try:
                out.append(self.msgs.get(timeout=0.05))
            except queue.Empty:
                pass
            if until and until(out):
                break
        return out

    def disconnect(self):
        try:
            self.c.disconnect()
        except Exception:
            pass
        time.sleep(0.2)
        self.close()

    def kill_tcp(self):
        """Drop the TCP connection with no DISCONNECT packet (like a crashed device)."""
        self._stop = True
        self._th.join(2)
        sock = self.c.socket()
        sock.shutdown(socket.SHUT_RDWR)
        sock.close()

    def close(self):
        self._stop = True
        if getattr(self, "_th", None) and self._th is not threading.current_thread():
            self._th.join(2)
        try:
            s = self.c.socket()
            if s:
                s.close()
        except Exception:
            pass


def try_client(*a, **kw):
    try:
        return Client(*a, **kw), None
    except Exception as e:
        return None, f"{type(e).__name__}: {e}"


def fmt(msgs):
    return "[" + ", ".join(f"{t}={p!r} retain={r}" for _, t, p, r, _ in msgs) + "]"


def fresh_sub(node, filt, seconds=3.0, tag="s"):
    """New clean-session subscriber; returns (msgs, error)."""
    c, err = try_client(f"{tag}-{node}-{int(time.time() * 1000) % 10 ** 7}", node, connect_timeout=10)
    if err:
        return None, err
    try:
        g = c.subscribe(filt, 1)
        msgs = c.collect(seconds)
        return msgs, None if g[0] != 128 else "SUBACK failure"
    except Exception as e:
        return None, f"{type(e).__name__}: {e}"
    finally:
        c.disconnect()


def alive(node):
    pid = cl("pid", node, quiet=True).stdout.strip()
    return bool(pid) and os.path.exists(f"/proc/{pid}") and b"beam" in open(f"/proc/{pid}/cmdline", "rb").read()


# ---------------------------------------------------------------------------------------------
def test_a_retained():
    log("=== (a) retained message published on one node, fresh subscriber on the other ===")
    p = Client("n1", "a")
    ok = p.publish("nodes/n1/status", "online", qos=1, retain=True)
    p.disconnect()
    log(f"published retained nodes/n1/status=online on A, PUBACK={ok}")
    time.sleep(2.5)  # > dets sync interval (2 s), not that it matters for replication
    grid = {}
    for node in ("b", "a"):
        for filt in ("nodes/+/status", "nodes/n1/status"):
            msgs, err = fresh_sub(node, filt)
            grid[(node, filt)] = (msgs, err)
            log(f"  fresh sub on {node.upper()} to {filt}: {err or fmt(msgs)}")

    def got(node, filt, payload):
        msgs, err = grid[(node, filt)]
        return bool(msgs) and any(p_ == payload and r for _, _, p_, r, _ in msgs)

    result("a1 retained A->B, wildcard sub nodes/+/status on B", got("b", "nodes/+/status", "online"),
           f"B got {fmt(grid[('b', 'nodes/+/status')][0] or [])}")
    result("a2 retained A->B, exact sub nodes/n1/status on B", got("b", "nodes/n1/status", "online"),
           f"B got {fmt(grid[('b', 'nodes/n1/status')][0] or [])}")
    result("a3 control: same node (A), wildcard sub", got("a", "nodes/+/status", "online"),
           f"A got {fmt(grid[('a', 'nodes/+/status')][0] or [])}")
    result("a4 control: same node (A), exact sub", got("a", "nodes/n1/status", "online"),
           f"A got {fmt(grid[('a', 'nodes/n1/status')][0] or [])}")
    # reverse direction, distinct topic so the stores stay distinguishable
    p = Client("n4", "b")
    ok = p.publish("nodes/n4/status", "online", qos=1, retain=True)
    p.disconnect()
    log(f"published retained nodes/n4/status=online on B, PUBACK={ok}")
    time.sleep(1)
    mw, ew = fresh_sub("a", "nodes/+/status")
    me, ee = fresh_sub("a", "nodes/n4/status")
    mb, eb = fresh_sub("b", "nodes/n4/status")
    result("a5 retained B->A, wildcard sub on A", bool(mw) and any(t == "nodes/n4/status" for _, t, *_ in mw),
           f"A got {ew or fmt(mw)}")
    result("a6 retained B->A, exact sub nodes/n4/status on A", bool(me), f"A got {ee or fmt(me)}; "
           f"control exact on B got {eb or fmt(mb)}")


def test_b_will():
    log("=== (b) Last Will of a client on A, subscribers on B ===")
    watch = Client("watch-b", "b")
    g = watch.subscribe("nodes/+/status", 1)
    log(f"watcher on B subscribed nodes/+/status granted={g}")
    n2 = Client("n2", "a", will=("nodes/n2/status", "offline", 1, True))
    time.sleep(1)
    t = time.time()
    n2.kill_tcp()
    msgs = watch.collect(15, until=lambda L: any(x[1] == "nodes/n2/status" for x in L))
    hit = [m for m in msgs if m[1] == "nodes/n2/status"]
    watch.disconnect()
    lat = f"{hit[0][0] - t:.3f}s after TCP drop" if hit else "nothing within 15s"
    result("b1 Will of client on A delivered live to subscriber on B",
           bool(hit) and hit[0][2] == "offline", f"{fmt(hit)} {lat}")
    time.sleep(2.5)
    res = {}
    for node in ("b", "a"):
        for filt in ("nodes/+/status", "nodes/n2/status"):
            m, e = fresh_sub(node, filt)
            res[(node, filt)] = m if not e else []
            log(f"  fresh sub on {node.upper()} to {filt}: {e or fmt(m)}")

    def off(node, filt):
        return any(t_ == "nodes/n2/status" and p_ == "offline" and r for _, t_, p_, r, _ in res[(node, filt)])

    result("b2 Will retained: fresh wildcard sub on B sees offline", off("b", "nodes/+/status"),
           fmt(res[("b", "nodes/+/status")]))
    result("b3 Will retained: fresh exact sub on B sees offline", off("b", "nodes/n2/status"),
           fmt(res[("b", "nodes/n2/status")]))
    result("b4 Will retained: fresh wildcard sub on A sees offline", off("a", "nodes/+/status"),
           fmt(res[("a", "nodes/+/status")]))
    result("b5 Will retained: fresh exact sub on A sees offline", off("a", "nodes/n2/status"),
           fmt(res[("a", "nodes/n2/status")]))


def failover_probe(node, budget=60.0, tag="probe"):
    """Time until a NEW client can connect to `node`, subscribe and round-trip a QoS1 message."""
    t0, attempts, last = time.time(), 0, None
    while time.time() - t0 < budget:
        attempts += 1
        c, err = try_client(f"{tag}-{attempts}", node, connect_timeout=5)
        if c:
            try:
                c.subscribe(f"probe/{tag}", 1)
                ok = c.publish(f"probe/{tag}", "ping", qos=1)
                got = c.collect(5, until=lambda L: len(L) >= 1)
                c.disconnect()
                if ok and got:
                    return time.time() - t0, attempts, f"ok (connect {c.connect_time * 1000:.0f} ms)"
                last = f"connected but pub_ack={ok} got={len(got)}"
            except Exception as e:
                last = f"{type(e).__name__}: {e}"
                c.close()
        else:
            last = err
        time.sleep(0.5)
    return None, attempts, last


def test_c_queued(holder, other, label, kill_probe=True, extra_checks=True):
    """n3-style client holds a persistent session on `holder`; commands published via `other`;
    `holder` is SIGKILLed; client reconnects to `other`."""
    cid = f"n3-{label}"
    log(f"=== (c:{label}) persistent session of {cid} on {holder.upper()}, kill {holder.upper()}, "
        f"reconnect to {other.upper()} ===")
    n3 = Client(cid, holder, clean=False)
    g = n3.subscribe("nodes/n3/commands", 1)
    n3.disconnect()
    log(f"{cid} subscribed nodes/n3/commands granted={g} on {holder.upper()}, disconnected cleanly "
        f"(first connect session_present={n3.session_present})")
    pub = Client(f"cmdpub-{label}", other)
    acks = [pub.publish("nodes/n3/commands", f"cmd-{i}", qos=1) for i in (1, 2, 3)]
    pub.disconnect()
    log(f"published 3 QoS1 commands on {other.upper()}, PUBACKs={acks}")
    cl("queues", other)
    live = None
    if kill_probe:
        live, err = try_client(f"live-{label}", other)
        if live:
            live.subscribe(f"probe/live-{label}", 1)
    t_kill = time.time()
    cl("kill9", holder)
    time.sleep(0.3)
    out = {}
    if kill_probe:
        dt, n, last = failover_probe(other, budget=45, tag=f"fo-{label}")
        out["failover"] = (dt, n, last)
        result(f"d:{label} new client can connect+pub/sub on {other.upper()} after SIGKILL of {holder.upper()}",
               dt is not None and dt < 5,
               (f"worked {dt:.2f}s after kill ({n} attempt(s))" if dt is not None
                else f"NOT within 45s, {n} attempts; last error: {last}"))
        if live:
            ok = live.publish(f"probe/live-{label}", "still-here", qos=1, timeout=8)
            got = live.collect(5, until=lambda L: len(L) >= 1)
            result(f"d:{label} client already connected to {other.upper()} keeps working after kill",
                   bool(ok and got), f"PUBACK={ok}, self-delivery={fmt(got)}, loop_rc={live.loop_rc}")
            live.disconnect()
        result(f"d:{label} node {other.upper()} keeps running alone", alive(other),
               f"beam alive={alive(other)}; " + cl("status", other).stdout.strip().replace("\n", " "))
    cl("queues", other)
    c, err = None, None
    t = time.time()
    while time.time() - t < 20:  # keep retrying a while: in case of a transient election
        c, err = try_client(cid, other, clean=False, connect_timeout=8)
        if c:
            break
        time.sleep(1)
    if c:
        msgs = c.collect(6, until=lambda L: len(L) >= 3)
        cmds = [m for m in msgs if m[1] == "nodes/n3/commands"]
        result(f"c:{label} {cid} on {other.upper()} receives the 3 queued commands after {holder.upper()} died",
               len(cmds) == 3, f"got {len(cmds)}: {fmt(cmds)}; connected {time.time() - t_kill:.1f}s after kill")
        result(f"c:{label} session_present on reconnect to {other.upper()}", c.session_present,
               f"session_present={c.session_present}")
        # does the subscription still route new messages? (queue may be gone or unreachable)
        p2, e2 = try_client(f"cmdpub2-{label}", other)
        if p2:
            ok4 = p2.publish("nodes/n3/commands", "cmd-4-after-failover", qos=1, timeout=8)
            p2.disconnect()
            got4 = c.collect(5, until=lambda L: len(L) >= 1)
            info(f"c:{label} new command published after failover",
                 f"PUBACK={ok4}, delivered to {cid} without resubscribing: {fmt(got4)}")
        c.disconnect()
        out["c_ok"] = len(cmds) == 3
    else:
        result(f"c:{label} {cid} on {other.upper()} receives the 3 queued commands after {holder.upper()} died",
               False, f"could not connect to {other.upper()} for 20s: {err}")
        out["c_ok"] = False
    return out


def restart_and_check(node, other, label, cid=None):
    t = time.time()
    cl("start", node)
    st = cl("status", other).stdout
    rejoined = st.count("rabbit-") and f"rabbit-{node}@localhost" in st.split("running", 1)[-1]
    result(f"e:{label} restarted {node.upper()} rejoins the cluster", bool(rejoined),
           f"restart took {time.time() - t:.1f}s; {st.strip()}")
    if cid:
        c, err = try_client(cid, other, clean=False, connect_timeout=10)
        if c:
            msgs = c.collect(6, until=lambda L: len(L) >= 3)
            info(f"e:{label} {cid} reconnecting to {other.upper()} after {node.upper()} is back",
                 f"session_present={c.session_present} got {fmt(msgs)}")
            c.disconnect()
        else:
            info(f"e:{label} {cid} reconnecting to {other.upper()} after {node.upper()} is back", err)


def scenario_two_classic():
    log("##### 2-node cluster, classic (default) durable subscription queues #####")
    cl("up", "classic", "a", "b")
    test_a_retained()
    test_b_will()
    # retained data published on A only: nodes/n1/status (and the Will nodes/n2/status)
    test_c_queued("a", "b", "2node-classic-holderA")
    m, e = fresh_sub("b", "nodes/n1/status", tag="e")
    result("e:2node retained published on A visible via B while A is down", bool(m),
           f"fresh exact sub on B: {e or fmt(m)}")
    restart_and_check("a", "b", "2node", cid="n3-2node-classic-holderA")
    m, e = fresh_sub("a", "nodes/n1/status", tag="e")
    result("e:2node retained on A survives A's SIGKILL+restart (seen on A)", bool(m), e or fmt(m))
    m, e = fresh_sub("b", "nodes/n1/status", tag="e")
    info("e:2node after A is back, B's view of nodes/n1/status", e or fmt(m))
    # reverse: the queue lives on B, kill B
    test_c_queued("b", "a", "2node-classic-holderB")
    restart_and_check("b", "a", "2node-B", cid="n3-2node-classic-holderB")


def scenario_quorum(nodes):
    label = f"{len(nodes)}node-quorum"
    log(f"##### {len(nodes)}-node cluster, mqtt.durable_queue_type = quorum #####")
    cl("up", "quorum", *nodes)
    # retained message on A before it dies, for (e)
    p = Client("n1", "a")
    p.publish("nodes/n1/status", "online", qos=1, retain=True)
    p.disconnect()
    time.sleep(2.5)
    test_c_queued("a", "b", f"{label}-holderA")
    m, e = fresh_sub("b", "nodes/n1/status", tag="e")
    result(f"e:{label} retained published on A visible via B while A is down", bool(m),
           f"fresh exact sub on B: {e or fmt(m)}")
    restart_and_check("a", "b", label, cid=f"n3-{label}-holderA")


def scenario_two_mirrored():
    """Extra (not in the brief): 2 nodes, classic queues + deprecated classic mirroring policy."""
    log("##### 2-node cluster, classic queues + ha-mode=all mirroring policy #####")
    cl("up", "classic", "a", "b")
    cl("mirror", "a")
    time.sleep(1)
    test_c_queued("a", "b", "2node-mirrored-holderA")
    restart_and_check("a", "b", "2node-mirrored", cid="n3-2node-mirrored-holderA")


def main():
    what = sys.argv[1] if len(sys.argv) > 1 else "all"
    try:
        if what in ("all", "two"):
            scenario_two_classic()
        if what in ("all", "quorum2"):
            scenario_quorum(["a", "b"])
        if what in ("all", "quorum3"):
            scenario_quorum(["a", "b", "c"])
        if what == "mirror2":  # extra, run separately
            scenario_two_mirrored()
    finally:
        cl("down")
        print("\n===== SUMMARY =====")
        for name, ok, obs in RESULTS:
            tag = "INFO" if ok is None else ("PASS" if ok else "FAIL")
            print(f"{tag:4} | {name} | {obs}")
        print(f"total {time.time() - T0:.0f}s")


if __name__ == "__main__":
    main()
