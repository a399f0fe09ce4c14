"""python3 driver.py KIND NODES AGENTS: a broker's memory before and after NODES x AGENTS agents' worth of clients.
KIND: hivemq (heap of HiveMQ CE embedded, after full GCs), flotilla (heap of a Flotilla node hosting its broker,
jcmd GC.run then GC.heap_info), mosquitto (RSS)."""
import os, re, socket, subprocess, sys, time, shutil
kind, nodes, agents = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
HERE = os.path.dirname(os.path.abspath(__file__))
CP = HERE + "/target/broker-memory-eval-1.jar:" + open(HERE + "/cp.txt").read().strip()
def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p
def wait_port(port, limit=120):
    end = time.time() + limit
    while time.time() < end:
        try:
            socket.create_connection(("127.0.0.1", port), 1).close(); return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("nothing on %d" % port)
port = free_port()
work = "/tmp/broker-memory-eval/work-" + kind
shutil.rmtree(work, ignore_errors=True); os.makedirs(work)
if kind == "hivemq":
    broker = subprocess.Popen(["java", "-Xms512m", "-Xmx512m", "-XX:+AlwaysPreTouch", "-cp", CP, "eval.Broker", str(port), work], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = broker.stdout.readline()
    while not line.startswith("ready"):
        line = broker.stdout.readline()
    def measure():
        broker.stdin.write("heap\n"); broker.stdin.flush()
        l = broker.stdout.readline()
        while not l.startswith("heap"):
            l = broker.stdout.readline()
        return int(l.split()[1])
elif kind == "mosquitto":
    conf = work + "/m.conf"
    open(conf, "w").write("listener %d 127.0.0.1\nallow_anonymous true\npersistence true\npersistence_location %s/\nuser root\n" % (port, work))
    broker = subprocess.Popen(["/usr/sbin/mosquitto", "-c", conf], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_port(port)
    def measure():
        time.sleep(1)
        for l in open("/proc/%d/status" % broker.pid):
            if l.startswith("VmRSS"):
                return int(l.split()[1]) * 1024
else:
    launcher = sys.argv[4]
    broker = subprocess.Popen([launcher, "--name", "hub", "--home", work + "/hub", "--port", str(port), "--no-ssh"],
                              stdout=open(work + "/console.log", "w"), stderr=subprocess.STDOUT)
    wait_port(port); time.sleep(10)
    def pid():
        out = subprocess.run(["pgrep", "-f", "karaf.base=" + work + "/hub"], capture_output=True, text=True).stdout.split()
        return out[0]
    def measure():
        p = pid()
        for _ in range(2):
            subprocess.run(["jcmd", p, "GC.run"], capture_output=True)
            time.sleep(1)
        info = subprocess.run(["jcmd", p, "GC.heap_info"], capture_output=True, text=True).stdout
        used = [int(m.group(1)) for l in info.splitlines() if "Metaspace" not in l and "class space" not in l
                for m in [re.search(r"used (\d+)K", l)] if m]
        return sum(used) * 1024
def rss(pid):
    for l in open("/proc/%d/status" % pid):
        if l.startswith("VmRSS"):
            return int(l.split()[1]) * 1024
before = measure()
rss_before = rss(broker.pid) if kind == "hivemq" else 0
clients = subprocess.Popen(["java", "-cp", CP, "eval.Clients", str(port), str(nodes), str(agents)], stdin=subprocess.PIPE,
                           stdout=subprocess.PIPE, text=True)
started = time.time()
print(clients.stdout.readline().strip(), "in %.1f s" % (time.time() - started))
time.sleep(5)
after = measure()
if kind == "hivemq":
    print("hivemq RSS: before %.1f MiB, after %.1f MiB: %.2f KiB per agent" % (rss_before / 2**20, rss(broker.pid) / 2**20,
          (rss(broker.pid) - rss_before) / 1024 / (nodes * agents)))
n = nodes * agents
print("%s: before %.1f MiB, after %.1f MiB: %.2f KiB per agent (%d agents, %d connections)" % (
    kind, before / 2**20, after / 2**20, (after - before) / 1024 / n, n, nodes))
clients.stdin.close()
try:
    clients.wait(20)
except subprocess.TimeoutExpired:
    clients.kill(); clients.wait(10)
if kind == "hivemq":
    broker.stdin.write("stop\n"); broker.stdin.flush()
broker.terminate()
try:
    broker.wait(60)
except subprocess.TimeoutExpired:
    broker.kill(); broker.wait(10)
