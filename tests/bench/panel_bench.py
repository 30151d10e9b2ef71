"""make bench (python -m tests.bench.panel_bench): the control panel on loopback, served by waitress.

1. Latency of the dashboard and two API reads at a paced rate (default 200 requests/s for 20 s each), with
   the panel's real Salt reads (cached 10 s) of a private, empty site.
2. Event delivery to 100 concurrent event-stream clients while a job runs. The job is an apply whose
   Salt is synthetic (N states finishing every few ms), so what is measured is the panel's path
   job → bus → server-sent events → client, not Salt.
"""

import argparse
import http.client
import json
import re
import sys
import tempfile
import threading
import time
from pathlib import Path

import waitress
import yaml

from sigmavault.salt_bridge.call import SaltReply, salt_call
from sigmavault.site import Site
from sigmavault_panel import create_app
from tests.bench.machine import machine, save
from tests.bench.panel_load import StreamListener, paced_load, percentiles


def synthetic_apply(states: int, pause: float):
    def call(site, *args, on_state_done=None):
        if args[:1] != ("state.apply",):
            return salt_call(site, *args, on_state_done=on_state_done)
        data = {}
        for n in range(states):
            time.sleep(pause)
            if on_state_done:
                on_state_done(f"bench_state_{n}", pause)
            data[f"test_|-bench_state_{n}_|-s_|-nop"] = {"__id__": f"bench_state_{n}", "result": True,
                                                         "comment": "", "changes": {}, "__run_num__": n}
        return SaltReply(0, data, "")
    return call


def session_cookie(port: int) -> str:
    connection = http.client.HTTPConnection("127.0.0.1", port)
    connection.request("GET", "/login")
    response = connection.getresponse()
    cookie = response.getheader("Set-Cookie").split(";")[0]
    token = re.search(r'name="csrf_token" value="([^"]+)"', response.read().decode()).group(1)
    connection.request("POST", "/login", body=f"username=bench&password=bench&csrf_token={token}",
                       headers={"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
    response = connection.getresponse()
    response.read()
    assert response.status == 302, response.status
    return response.getheader("Set-Cookie").split(";")[0]


def sse_fanout(port: int, services, token: str, clients: int) -> dict:
    headers = {"Authorization": f"Bearer {token}"}
    listeners = [StreamListener(port, headers) for _ in range(clients)]
    for listener in listeners:
        listener.start()
    for listener in listeners:
        listener.connected.wait(30)
    deadline = time.monotonic() + 30
    while services.streams.open < clients and time.monotonic() < deadline:
        time.sleep(0.05)
    connection = http.client.HTTPConnection("127.0.0.1", port)
    connection.request("POST", "/api/v1/apply", headers=headers)
    job = json.loads(connection.getresponse().read())["job"]
    services.runner.wait_idle(300)
    for listener in listeners:
        listener.finished.wait(30)
    expected = len(services.runner.get(job["id"]).progress)
    delays = [d for listener in listeners for d in listener.delays]
    errors = [listener.error for listener in listeners if listener.error]
    return {"clients": clients, "connected": clients - len(errors), "events_per_client": expected,
            "delivered": len(delays), "expected": expected * clients, "client_errors": sorted(set(errors)),
            **percentiles(delays)}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="build/bench")
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--states", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sv-panel-bench-") as scratch:
        root = Path(scratch)
        (root / "pillar").mkdir()
        (root / "pillar" / "top.sls").write_text("base:\n  '*':\n    - sigmavault\n")
        (root / "pillar" / "sigmavault.sls").write_text(yaml.safe_dump({"sigmavault": {"storage": {}}}))
        site = Site(root / "pillar", root / "state", root / "fstab", root / "etc")
        app = create_app({"SITE": site, "AUTHENTICATE": lambda user, password: (user, password) == ("bench", "bench"),
                          "GROUPS_OF": lambda user: {"sigmavault-admin"}, "SSE_MAX_STREAMS": args.clients + 8,
                          "SALT_CALL": synthetic_apply(args.states, 0.005)})
        services = app.extensions["sigmavault"]
        token = services.tokens.create("bench", "admin", "bench")[1]
        server = waitress.create_server(app, host="127.0.0.1", port=0, threads=args.clients + 28,
                                        connection_limit=args.clients + 200)
        threading.Thread(target=server.run, daemon=True).start()
        port = server.effective_port
        try:
            cookie = session_cookie(port)
            bearer = {"Authorization": f"Bearer {token}"}
            paced_load(port, "/", {"Cookie": cookie}, 10, 1)    # first read of each Salt value, not measured
            load = [paced_load(port, "/", {"Cookie": cookie}, args.rate, args.seconds),
                    paced_load(port, "/api/v1/system", bearer, args.rate, args.seconds),
                    paced_load(port, "/api/v1/storage/pools", bearer, args.rate, args.seconds)]
            fanout = sse_fanout(port, services, token, args.clients)
        finally:
            server.close()
            services.reader.shutdown()
    results = {"machine": machine(), "server": f"waitress, {args.clients + 28} threads, loopback",
               "load": load, "event_stream": fanout}
    save(results, args.out, "panel")
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
