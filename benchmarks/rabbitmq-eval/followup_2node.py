#!/usr/bin/python3
"""Follow-up probes on a 2-node classic cluster (uses mqtt_cluster_eval.py helpers):
 1. duplicate client-ID takeover with both nodes up (control) and with A SIGKILLed
    (the docs say MQTT client-ID tracking is a Raft cluster needing a majority);
 2. how long the persistent-session client's CONNECT to B takes while its queue's node A is down;
 3. how long A takes to restart after SIGKILL (then the logs are kept under /tmp/rmq-eval for grep).
"""
import time
import mqtt_cluster_eval as m


def dup_test(node, label):
    c1 = m.Client("dup-" + label, node)
    time.sleep(0.5)
    c2, err = m.try_client("dup-" + label, node, connect_timeout=10)
    time.sleep(4)
    m.result(f"dup:{label} second CONNECT with same client id on {node.upper()} kicks the first",
             c1.loop_rc is not None,
             f"second connect: {'ok in %.2fs' % c2.connect_time if c2 else err}; first conn loop_rc={c1.loop_rc} "
             f"({'closed' if c1.loop_rc is not None else 'still open'})")
    for c in (c1, c2):
        if c:
            c.close()


def main():
    try:
        m.cl("up", "classic", "a", "b")
        dup_test("b", "both-up")
        n3 = m.Client("n3f", "a", clean=False)
        n3.subscribe("nodes/n3/commands", 1)
        n3.disconnect()
        p = m.Client("pubf", "b")
        print("acks", [p.publish("nodes/n3/commands", f"cmd-{i}", 1) for i in (1, 2, 3)])
        p.disconnect()
        t_kill = time.time()
        m.cl("kill9", "a")
        time.sleep(1)
        dup_test("b", "A-down")
        t = time.time()
        c, err = m.try_client("n3f", "b", clean=False, connect_timeout=30)
        m.info("n3f CONNECT to B while its queue's node A is down",
               f"took {time.time() - t:.2f}s; " + (f"session_present={c.session_present}, got "
                                                    f"{m.fmt(c.collect(4))}" if c else err))
        if c:
            t = time.time()
            try:
                g = c.subscribe("nodes/n3/commands", 1, timeout=15)
            except Exception as e:
                g = f"{type(e).__name__}: {e}"
            m.info("n3f re-SUBSCRIBE on B while A down", f"{g} after {time.time() - t:.1f}s; loop_rc={c.loop_rc}")
            c.disconnect()
        m.cl("queues", "b")
        t = time.time()
        m.cl("start", "a")
        m.info("restart of A after SIGKILL (2-node)", f"{time.time() - t:.1f}s")
        m.cl("status", "b")
        c, err = m.try_client("n3f", "b", clean=False, connect_timeout=10)
        if c:
            m.info("n3f after A back", f"session_present={c.session_present} got {m.fmt(c.collect(5))}")
            c.disconnect()
    finally:
        # keep data dirs for log inspection, but stop all processes
        m.cl("down")


if __name__ == "__main__":
    main()
