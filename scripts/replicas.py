#!/usr/bin/env python3
"""Two `matfuse serve` replicas on loopback sharing one PostgreSQL database and one data
directory (scripts/test-postgres.sh starts the database and calls this).

`check`: a share made through one replica reads through the other; a training job submitted to
one runs once (one replica trains it) and its model answers on both; a replica killed with
`kill -9` while it trains a job loses nothing (the other takes the job over from its checkpoint
once the lease runs out and finishes it; shares stay readable; the killed replica, restarted,
answers with the model too).

`load`: REQUESTS requests at CONCURRENCY at once, alternating between the replicas (a
round-robin balancer), half predictions and half share reads; prints p50/p99 and the errors.

Standard library only. Exit status 1 on any failed check.
"""

import argparse
import csv
import gzip
import io
import json
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from http.client import HTTPConnection

TOKEN = "replica-test-token"


def say(message):
    print(f"[replicas {time.strftime('%H:%M:%S', time.gmtime())}] {message}", flush=True)


def fail(message):
    say(f"FAILED: {message}")
    sys.exit(1)


class Replica:
    """One `matfuse serve` process; its log is WORK/<name>.log."""

    def __init__(self, args, name, port):
        self.args, self.name, self.port, self.process = args, name, port, None
        self.log_path = os.path.join(args.work, f"{name}.log")

    def start(self):
        command = [
            self.args.matfuse, "serve",
            "--addr", f"127.0.0.1:{self.port}",
            "--data-dir", os.path.join(self.args.work, "data"),
            "--database-url", self.args.database_url,
            "--static-dir", os.path.join(self.args.work, "static"),
            "--models-dir", self.args.models_dir,
            "--encoder-dir", os.path.join(self.args.work, "encoder"),
            "--job-lease", str(self.args.lease),
            "--admin-token", TOKEN,
        ]
        log = open(self.log_path, "a")
        env = dict(os.environ, RUST_LOG="info")
        self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
        for _ in range(600):
            if self.process.poll() is not None:
                fail(f"{self.name} exited at start (log {self.log_path}):\n{self.log_tail()}")
            try:
                if self.request("GET", "/healthz")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        fail(f"{self.name} did not answer within a minute")

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.kill()

    def log_tail(self, lines=30):
        with open(self.log_path, errors="replace") as f:
            return "".join(f.readlines()[-lines:])

    def log(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def request(self, method, path, body=None, headers=None):
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data=body, method=method)
        for key, value in (headers or {}).items():
            request.add_header(key, value)
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()

    def json(self, method, path, payload=None, expect=200):
        body = json.dumps(payload).encode() if payload is not None else None
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {TOKEN}"}
        status, data = self.request(method, path, body, headers)
        if status != expect:
            fail(f"{method} {path} on {self.name}: {status} {data[:400]!r}")
        return json.loads(data)


def tiny_table(path, rows):
    """The first `rows` rows of mp2018 (train and val) as CSV bytes."""
    with gzip.open(path, "rt", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(header)
        for _, row in zip(range(rows), reader):
            writer.writerow(row)
    return out.getvalue().encode(), header


def first_cif(path):
    with gzip.open(path, "rt", newline="") as f:
        reader = csv.DictReader(f)
        return next(reader)["cif"]


def smoke_config(root, epochs):
    """configs/smoke.toml as a job configuration, with `epochs` epochs."""
    with open(os.path.join(root, "configs", "smoke.toml")) as f:
        text = f.read()
    lines = [f"epochs = {epochs}" if line.startswith("epochs =") else line for line in text.splitlines()]
    return "\n".join(lines) + "\n"


def multipart(fields):
    boundary = uuid.uuid4().hex
    body = b""
    for name, (filename, content) in fields.items():
        disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
        body += f"--{boundary}\r\nContent-Disposition: {disposition}\r\n\r\n".encode() + content + b"\r\n"
    body += f"--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def submit(replica, config, table):
    body, content_type = multipart({"config": (None, config.encode()), "data": ("table.csv", table)})
    headers = {"Content-Type": content_type, "Authorization": f"Bearer {TOKEN}"}
    status, data = replica.request("POST", "/api/v1/jobs", body, headers)
    if status != 201:
        fail(f"job submission to {replica.name}: {status} {data[:400]!r}")
    return json.loads(data)["id"]


def wait_job(replica, job_id, what, done, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        job = replica.json("GET", f"/api/v1/jobs/{job_id}")
        if job["state"] in ("failed", "cancelled"):
            fail(f"job {job_id} {job['state']} while waiting for {what}: {job.get('error')}")
        if done(job):
            return job
        time.sleep(0.2)
    fail(f"timed out waiting for {what}: {replica.json('GET', f'/api/v1/jobs/{job_id}')}")


def trainers(replicas, job_id):
    """The replicas whose logs say they started training `job_id`."""
    return [r.name for r in replicas for line in r.log().splitlines() if "training job started" in line and job_id in line]


def predict(replica, model, cif):
    return replica.json("POST", "/api/v1/predict", {"structure": cif, "model": model})


def values(answer):
    return json.dumps(answer["predictions"], sort_keys=True)


def share_state(cif):
    return {"version": 1, "structure": cif, "model": "browser", "weights_sha256": "ab", "view": {"tab": "predict"}}


def check(args):
    table, _ = tiny_table(args.data, args.rows)
    cif = first_cif(args.data)
    a, b = Replica(args, "replica-a", args.port), Replica(args, "replica-b", args.port + 1)
    started = time.time()
    try:
        a.start()
        b.start()
        say(f"two replicas up on 127.0.0.1:{a.port} and :{b.port} ({time.time() - started:.1f} s)")

        # 1. A share made through one replica reads through the other.
        share = a.json("POST", "/api/v1/share", share_state(cif), expect=201)
        read = b.json("GET", f"/api/v1/share/{share['id']}")
        if read["state"]["structure"] != cif:
            fail(f"the share read through {b.name} differs: {read}")
        say(f"share {share['id']} made through {a.name} reads through {b.name}")

        # 2. A job submitted to one replica runs once; its model answers on both.
        config = smoke_config(args.root, args.epochs)
        first = submit(b, config, table)
        job = wait_job(a, first, "the first job to finish", lambda j: j["state"] == "finished", args.timeout)
        epochs = [e["epoch"] for e in job["history"]]
        if epochs != list(range(1, len(epochs) + 1)):
            fail(f"the first job's epochs repeat or skip: {epochs}")
        ran_on = trainers([a, b], first)
        if len(ran_on) != 1:
            fail(f"the first job was started {len(ran_on)} times: {ran_on}")
        model = job["model"]
        deadline = time.time() + 30
        while b.request("GET", f"/api/v1/models/{model}")[0] != 200 or a.request("GET", f"/api/v1/models/{model}")[0] != 200:
            if time.time() > deadline:
                fail(f"model {model} is not installed on both replicas")
            time.sleep(0.2)
        on_a, on_b = predict(a, model, cif), predict(b, model, cif)
        if values(on_a) != values(on_b) or on_a["model"]["id"] != model:
            fail(f"the two replicas answer differently with {model}: {values(on_a)} vs {values(on_b)}")
        say(f"job {first} submitted to {b.name} ran once (on {ran_on[0]}, epochs {epochs}); {model} answers on both")

        # 3. The replica training a job is killed mid-job: nothing is lost.
        second = submit(a, config, table)
        wait_job(a, second, "the second job's first epoch", lambda j: j["progress"]["epoch"] >= 1, args.timeout)
        holders = trainers([a, b], second)
        if len(holders) != 1:
            fail(f"the second job was started {len(holders)} times before the kill: {holders}")
        victim, survivor = (a, b) if holders[0] == a.name else (b, a)
        before = survivor.json("GET", f"/api/v1/jobs/{second}")["progress"]["epoch"]
        victim.kill()
        killed_at = time.time()
        say(f"killed {victim.name} (kill -9) while it trained job {second} at epoch {before}")
        job = wait_job(survivor, second, "the takeover to finish", lambda j: j["state"] == "finished", args.timeout)
        epochs = [e["epoch"] for e in job["history"]]
        if epochs != list(range(1, len(epochs) + 1)):
            fail(f"the taken-over job's epochs repeat or skip: {epochs}")
        if survivor.name not in trainers([survivor], second):
            fail(f"{survivor.name} did not take job {second} over")
        if "resumed from its checkpoint" not in "".join(l for l in survivor.log().splitlines() if second in l):
            fail(f"{survivor.name} restarted job {second} from scratch instead of its checkpoint")
        say(f"{survivor.name} took job {second} over and finished it {time.time() - killed_at:.1f} s after the kill (epochs {epochs})")
        read = survivor.json("GET", f"/api/v1/share/{share['id']}")
        if read["state"]["structure"] != cif:
            fail("the share changed")
        victim.start()
        model = job["model"]
        on_victim, on_survivor = predict(victim, model, cif), predict(survivor, model, cif)
        if values(on_victim) != values(on_survivor):
            fail(f"{model} answers differently on the two replicas")
        if victim.json("GET", f"/api/v1/share/{share['id']}")["state"]["structure"] != cif:
            fail("the share is not readable through the restarted replica")
        say(f"{victim.name} restarted: {model} and the share answer on both")
        say(f"all replica checks passed in {time.time() - started:.1f} s")
    finally:
        a.stop()
        b.stop()


def load(args):
    """The load test: predictions and share reads spread over both replicas."""
    cif = first_cif(args.data)
    a, b = Replica(args, "load-a", args.port), Replica(args, "load-b", args.port + 1)
    try:
        a.start()
        b.start()
        shares = [a.json("POST", "/api/v1/share", share_state(cif), expect=201)["id"] for _ in range(50)]
        predict_body = json.dumps({"structure": cif}).encode()
        latencies = {"predict": [], "share": []}
        errors = []
        counter = iter(range(args.requests))
        lock = threading.Lock()

        def worker():
            connections = {r.port: HTTPConnection("127.0.0.1", r.port, timeout=120) for r in (a, b)}
            while True:
                with lock:
                    i = next(counter, None)
                if i is None:
                    return
                port = (a, b)[i % 2].port
                kind = "predict" if (i // 2) % 2 == 0 else "share"
                t = time.perf_counter()
                try:
                    connection = connections[port]
                    if kind == "predict":
                        connection.request("POST", "/api/v1/predict", predict_body, {"Content-Type": "application/json"})
                    else:
                        connection.request("GET", f"/api/v1/share/{shares[i % len(shares)]}")
                    response = connection.getresponse()
                    response.read()
                    elapsed = time.perf_counter() - t
                    with lock:
                        if response.status == 200:
                            latencies[kind].append(elapsed)
                        else:
                            errors.append(f"{kind} {response.status}")
                except OSError as e:
                    connections[port] = HTTPConnection("127.0.0.1", port, timeout=120)
                    with lock:
                        errors.append(f"{kind} {e}")

        started = time.perf_counter()
        threads = [threading.Thread(target=worker) for _ in range(args.concurrency)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - started

        def quantiles(values):
            ordered = sorted(values)
            pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000
            return f"p50 {pick(0.50):.1f} ms, p99 {pick(0.99):.1f} ms"

        everything = latencies["predict"] + latencies["share"]
        say(f"{args.requests} requests at {args.concurrency} concurrent over 2 replicas in {wall:.1f} s "
            f"({args.requests / wall:.0f} requests/s), {len(errors)} errors")
        say(f"all: {quantiles(everything)}; predict ({len(latencies['predict'])}): {quantiles(latencies['predict'])}; "
            f"share read ({len(latencies['share'])}): {quantiles(latencies['share'])}; mean {statistics.mean(everything) * 1000:.1f} ms")
        if errors:
            fail(f"{len(errors)} errors, e.g. {errors[:5]}")
    finally:
        a.stop()
        b.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=["check", "load"])
    parser.add_argument("--matfuse", required=True)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--work", required=True, help="data directory, logs, the static and encoder stand-ins")
    parser.add_argument("--root", default=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    parser.add_argument("--data", required=True, help="mp2018.csv.gz")
    parser.add_argument("--models-dir", required=True)
    parser.add_argument("--port", type=int, default=18480)
    parser.add_argument("--lease", type=int, default=6, help="seconds (--job-lease)")
    parser.add_argument("--rows", type=int, default=120)
    parser.add_argument("--epochs", type=int, default=6)
    parser.add_argument("--timeout", type=float, default=240)
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=32)
    args = parser.parse_args()
    check(args) if args.mode == "check" else load(args)


if __name__ == "__main__":
    main()
