"""One Wactorz agent's code, run for a Flotilla node.

The node starts this file in a python3 child per agent and talks to it in JSON lines: the node
writes to stdin ({"op": "start"} once, then "call" and "answer"), the child writes to stdout
("compiled", "done", and its requests: publish, log, alert, persist, recall, ask, agents, ...).
The agent's code sees the runner's agent API (remote_runner.py's _RemoteAgentAPI), unchanged, so
code written for the Wactorz runner runs here as it is. Whatever the code prints goes to stderr,
which the node adds to the agent's log.
"""
import asyncio
import inspect
import itertools
import json
import math
import os
import sys
import textwrap
import threading
import time
import traceback

# The protocol gets a descriptor of its own, and descriptor 1 becomes stderr: nothing the code prints,
# nor a subprocess or a C library writing to stdout, can break a message.
_protocol_out = os.fdopen(os.dup(1), "w", encoding="utf-8")
os.dup2(2, 1)
sys.stdout = sys.stderr
_write_lock = threading.Lock()


def _finite(value):
    """NaN and infinities, which JSON has not, as null (a failed sensor read is NaN)."""
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(item) for item in value]
    return value


def _send(message):
    try:
        line = json.dumps(message, default=repr, allow_nan=False)
    except ValueError:
        line = json.dumps(_finite(message), default=repr, allow_nan=False)
    with _write_lock:
        _protocol_out.write(line + "\n")
        _protocol_out.flush()


class _Node:
    """Requests to the node, and their answers, which the stdin thread receives."""

    def __init__(self, loop):
        self._loop = loop
        self._ids = itertools.count(1)
        self._waiting = {}

    async def request(self, op, **fields):
        request_id = next(self._ids)
        future = self._loop.create_future()
        self._waiting[request_id] = future
        _send(dict(fields, op=op, id=request_id))
        try:
            return await future
        finally:
            self._waiting.pop(request_id, None)

    def request_now(self, op, timeout=10.0, **fields):
        """For the API's synchronous methods (recall, agents): the stdin thread answers, not the loop."""
        request_id = next(self._ids)
        box = {"done": threading.Event()}
        self._waiting[request_id] = box
        _send(dict(fields, op=op, id=request_id))
        try:
            if not box["done"].wait(timeout):
                raise TimeoutError(f"the node did not answer {op} within {timeout} s")
            return box.get("value")
        finally:
            self._waiting.pop(request_id, None)

    def answered(self, message):
        waiter = self._waiting.get(message.get("id"))
        if isinstance(waiter, dict):
            waiter["value"] = message.get("value")
            waiter["done"].set()
        elif waiter is not None:
            self._loop.call_soon_threadsafe(_settle, waiter, message.get("value"))


def _settle(future, value):
    if not future.done():
        future.set_result(value)


class _AgentAPI:
    """What the code's functions get as `agent`: the runner's API, each call carried out by the node."""

    def __init__(self, start, node):
        self._start = start
        self._node = node
        self._state = {}

    @property
    def name(self):
        return self._start["name"]

    @property
    def actor_id(self):
        return self._start["actor_id"]

    @property
    def state(self):
        return self._state

    @property
    def node(self):
        return self._start["node"]

    async def publish(self, topic, data):
        _send({"op": "publish", "topic": topic, "data": data})

    async def publish_result(self, data):
        _send({"op": "result", "data": data})

    async def publish_detection(self, data):
        await self.publish(f"agents/{self.actor_id}/detections",
                           {"agent": self.name, "node": self.node, "detections": data, "timestamp": time.time()})
        await self.publish(f"{self.node}/{self.name}/detections", data)

    async def set_status(self, status):
        _send({"op": "status", "status": str(status)})

    async def log(self, message):
        _send({"op": "log", "message": str(message)})

    async def alert(self, message, severity="warning"):
        _send({"op": "alert", "message": str(message), "severity": str(severity)})

    def persist(self, key, value):
        json.dumps(value)  # what cannot be stored fails here, in the agent's own call, as it does in the runner
        _send({"op": "persist", "key": key, "value": value})

    def recall(self, key, default=None):
        value = self._node.request_now("recall", key=key)
        return default if value is None else value

    async def send_to(self, agent_name, payload, timeout=30.0):
        return await self._node.request("ask", agent=agent_name, payload=payload, timeout=float(timeout))

    async def delegate(self, agent_name, payload, timeout=30.0):
        return await self.send_to(agent_name, payload, timeout)

    def agents(self):
        return self._node.request_now("agents")


async def _call(functions, api, message):
    function = functions.get(message["fn"])
    try:
        if function is None:
            value = ({"error": f"Agent '{api.name}' has no handle_task function."}
                     if message["fn"] == "handle_task" else None)
        else:
            arguments = (api, message.get("payload")) if message["fn"] == "handle_task" else (api,)
            value = function(*arguments)
            if inspect.isawaitable(value):
                value = await value
            if message["fn"] == "handle_task":
                value = value or {}  # as the runner answers a task
        _send({"op": "done", "id": message["id"], "ok": True, "value": value})
    except Exception as error:  # the node decides what a failure means: this is only its report
        _send({"op": "done", "id": message["id"], "ok": False,
               "error": f"{type(error).__name__}: {error}", "traceback": traceback.format_exc()[-2000:]})


def _compile(start):
    """The code's functions, or a report of why there are none: a syntax error or module code that fails."""
    try:
        # Documents write code indented inside their JSON, as the runner's own documentation does
        code = compile(textwrap.dedent(start["code"]), f"<{start['name']}>", "exec")
    except SyntaxError as error:
        return None, {"op": "compiled", "ok": False, "error": f"SyntaxError: {error.msg}",
                      "line": error.lineno, "column": error.offset}
    namespace = {"__name__": "__flotilla_agent__"}
    try:
        exec(code, namespace)
    except Exception as error:
        frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename == f"<{start['name']}>"]
        return None, {"op": "compiled", "ok": False, "error": f"{type(error).__name__}: {error}",
                      "line": frames[-1].lineno if frames else None, "column": None}
    functions = {name: namespace[name] for name in ("setup", "process", "handle_task") if callable(namespace.get(name))}
    return functions, {"op": "compiled", "ok": True, "functions": sorted(functions)}


def _read_commands(loop, node, functions, api):
    for line in sys.stdin:
        message = json.loads(line)
        if message.get("op") == "answer":
            node.answered(message)
        elif message.get("op") == "call":
            loop.call_soon_threadsafe(lambda m=message: asyncio.ensure_future(_call(functions, api, m)))
    # The node closed our stdin, or is gone: the run is over, even if the code is stuck in a blocking call
    _protocol_out.flush()
    os._exit(0)


def main():
    start = json.loads(sys.stdin.readline())
    functions, report = _compile(start)
    _send(report)
    if functions is None:
        return 0
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    node = _Node(loop)
    api = _AgentAPI(start, node)
    threading.Thread(target=_read_commands, args=(loop, node, functions, api), name="node-commands", daemon=True).start()
    loop.run_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
