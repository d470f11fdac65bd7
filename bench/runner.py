#!/usr/bin/env python3
"""runner.py - runs the benchmark matrix for bench/run.sh (which builds
everything first and passes the paths). Starts ws_bench_server, runs each
row's impls interleaved (ours, builtin, raw, ours, builtin, raw, ...), reads
the server's /stats and the wineserver's CPU around every run, prints the
tables and writes bench/results/<timestamp>.json. See bench/README.md."""
import argparse
import datetime
import json
import os
import select
import signal
import statistics
import subprocess
import sys
import time
import urllib.request

IMPLS = ("ours", "builtin", "raw")
RTT_SIZES = (16, 256, 1024, 4096, 16384, 65536, 262144, 1048576)
XFER_SIZES = (65536, 1048576, 16777216)
# Per mode: seconds per run, bytes per download/upload run (the run also
# stops after 3x seconds, so a slow impl cannot stretch it), default reps.
MODES = {"quick": (0.25, 48 << 20, 3), "full": (1.0, 256 << 20, 5)}
UNITS = {"rtt": ("msg/s", "us/msg"), "download": ("MB/s", "ms/MB"),
         "upload": ("MB/s", "ms/MB"), "handshake": ("hs/s", "us/hs")}
RATE_KEY = {"rtt": "msgs_per_s", "download": "mb_per_s", "upload": "mb_per_s",
            "handshake": "handshakes_per_s"}


def log(msg):
    print("[bench] " + msg, file=sys.stderr, flush=True)


def matrix(mode):
    """Rows of (scenario, size, count, seconds)."""
    secs, xfer_bytes, _ = MODES[mode]
    rows = [("rtt", s, 1000000, secs) for s in RTT_SIZES]
    for sc in ("download", "upload"):
        rows += [(sc, s, max(4, xfer_bytes // s), secs * 3 if sc == "download" else secs)
                 for s in XFER_SIZES]
    rows.append(("handshake", 0, 1000000, secs))
    return rows


class Server:
    """ws_bench_server on an ephemeral port; stop() is idempotent."""

    def __init__(self, path, max_seconds):
        self.proc = subprocess.Popen([path, "--port", "0", "--max-seconds", str(max_seconds)],
                                     stdout=subprocess.PIPE, stdin=subprocess.DEVNULL)
        ready, _, _ = select.select([self.proc.stdout], [], [], 10)
        line = self.proc.stdout.readline().decode() if ready else ""
        if not line.startswith("PORT "):
            self.stop()
            raise RuntimeError("server did not print PORT: %r" % line)
        self.port = int(line.split()[1])

    def stats(self):
        try:
            url = "http://127.0.0.1:%d/stats" % self.port
            with urllib.request.urlopen(url, timeout=5) as r:
                return json.loads(r.read().decode())
        except (OSError, ValueError):
            return None

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None


class Wineserver:
    """The wineserver serving our prefix, kept running for the whole matrix
    (wineserver -p) and found by its working directory, server-<dev>-<inode>
    of the prefix, as Wine names it. Without it each client would start its
    own, which inherits the client's output pipes and holds them open for its
    3 s linger: every run would take 3 s more, and no wineserver would live
    long enough for its CPU to be read around a run."""

    def __init__(self, prefix):
        st = os.stat(prefix)
        self.dirname = "server-%x-%x" % (st.st_dev, st.st_ino)
        self.pid = None
        self.tick_ms = 1000.0 / os.sysconf("SC_CLK_TCK")
        subprocess.run(["wineserver", "-p"], stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)

    def stop(self):
        subprocess.run(["wineserver", "-k"], stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)

    def _find(self):
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                with open("/proc/%s/comm" % pid) as f:
                    if not f.read().startswith("wineserver"):
                        continue
                if os.path.basename(os.readlink("/proc/%s/cwd" % pid)) == self.dirname:
                    return pid
            except OSError:
                continue
        return None

    def cpu(self):
        """(pid, cpu ms) or None."""
        for _ in range(2):
            if self.pid:
                try:
                    with open("/proc/%s/stat" % self.pid) as f:
                        fields = f.read().rsplit(")", 1)[1].split()
                    return self.pid, (int(fields[11]) + int(fields[12])) * self.tick_ms
                except OSError:
                    pass
            self.pid = self._find()
        return None


def client_cmd(args, impl, sc, size, count, secs, port):
    exe = "raw_bench_client.exe" if impl == "raw" else "ws_bench_client.exe"
    return [os.path.join(args.root, "scripts", "wine-run.sh"), os.path.join(args.bin, exe),
            "--host", "127.0.0.1", "--port", str(port), "--scenario", sc,
            "--size", str(size), "--count", str(count), "--seconds", str(secs)]


def run_client(cmd, impl, secs):
    env = dict(os.environ, WH_IMPL=impl)
    env.pop("WH_WINHTTP", None)
    if impl == "builtin":
        env["WH_WINHTTP"] = "b"
    t0 = time.monotonic()
    try:
        p = subprocess.run(cmd, env=env, capture_output=True, timeout=secs * 3 + 60)
        out, err, rc = p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace"), \
            p.returncode
    except subprocess.TimeoutExpired:
        out, err, rc = "", "runner timeout", -1
    wall = time.monotonic() - t0
    for line in reversed(out.splitlines()):
        if line.startswith("{"):
            try:
                return json.loads(line), wall
            except ValueError:
                break
    tail = " ".join(err.strip().splitlines()[-3:])[:300]
    return {"impl": impl, "ok": False, "error": "no result line (exit %d): %s" % (rc, tail)}, wall


def units_moved(res, sc):
    """What the CPU is divided by: messages, MB or handshakes."""
    if sc in ("download", "upload"):
        return (res.get("mb_per_s") or 0) * (res.get("seconds") or 0)
    return res.get("count") or 0


def run_one(args, server, wsrv, impl, row):
    sc, size, count, secs = row
    s0, w0 = server.stats(), wsrv.cpu()
    res, wall = run_client(client_cmd(args, impl, sc, size, count, secs, server.port),
                           impl, secs)
    s1, w1 = server.stats(), wsrv.cpu()
    res.update(impl=impl, scenario=sc, size=size, wall_s=round(wall, 3))
    if s0 and s1:
        ms = (s1["cpu_user_us"] + s1["cpu_sys_us"] - s0["cpu_user_us"] - s0["cpu_sys_us"]) / 1e3
        res["server_cpu_ms"] = ms
        if res.get("seconds"):
            res["server_cpu_pct"] = ms / 10.0 / res["seconds"]
    if w0 and w1 and w0[0] == w1[0]:
        res["wineserver_cpu_ms"] = w1[1] - w0[1]
    n = units_moved(res, sc)
    if res.get("ok") and n:
        scale = 1000.0 if sc in ("rtt", "handshake") else 1.0     # ms -> us per op
        cpu = (res.get("cpu_user_ms") or 0) + (res.get("cpu_kernel_ms") or 0)
        res["cpu_per_unit"] = cpu * scale / n
        if "wineserver_cpu_ms" in res:
            res["wineserver_per_unit"] = res["wineserver_cpu_ms"] * scale / n
    return res


def med(runs, key):
    vals = [r[key] for r in runs if r.get("ok") and r.get(key) is not None]
    if not vals:
        return None
    return {"median": statistics.median(vals), "min": min(vals), "max": max(vals)}


def summarise(rows, results):
    out = []
    for sc, size, _, _ in rows:
        row = {"scenario": sc, "size": size, "impls": {}}
        for impl in IMPLS:
            runs = [r for r in results if r["scenario"] == sc and r["size"] == size
                    and r["impl"] == impl]
            s = {"runs": len(runs), "ok": sum(1 for r in runs if r.get("ok")),
                 "errors": sorted({r.get("error") for r in runs if not r.get("ok")})}
            for key in (RATE_KEY[sc], "p50_us", "p99_us", "cpu_per_unit",
                        "wineserver_per_unit", "peak_working_set_kb", "server_cpu_pct"):
                s[key] = med(runs, key)
            row["impls"][impl] = s
        out.append(row)
    return out


def fmt(v):
    if v is None:
        return "-"
    a = abs(v)
    return "%.0f" % v if a >= 100 else "%.1f" % v if a >= 10 else "%.2f" % v


def size_str(n):
    if not n:
        return "-"
    for unit, div in (("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= div and n % div == 0:
            return "%d %s" % (n // div, unit)
    return "%d B" % n


def cell(s, key):
    m = s[key]
    if m is None:
        return "FAIL" if s["runs"] else "-"
    txt = "%s (%s-%s)" % (fmt(m["median"]), fmt(m["min"]), fmt(m["max"]))
    return txt + ("!" if s["ok"] < s["runs"] else "")


def ratio(a, b, key):
    if a[key] is None or b[key] is None or not b[key]["median"]:
        return "-"
    return "%.2f" % (a[key]["median"] / b[key]["median"])


def medv(s, key):
    return s[key]["median"] if s[key] else None


def print_table(head, lines):
    widths = [max(len(str(x[i])) for x in [head] + lines) for i in range(len(head))]
    for x in [head] + lines:
        print("  ".join(str(v).rjust(w) for v, w in zip(x, widths)))


def print_tables(summary):
    head = ["scenario", "size", "unit", "ours", "builtin", "raw", "ours/builtin", "ours/raw"]
    lines = []
    for row in summary:
        sc, i = row["scenario"], row["impls"]
        key = RATE_KEY[sc]
        lines.append([sc, size_str(row["size"]), UNITS[sc][0], cell(i["ours"], key),
                      cell(i["builtin"], key), cell(i["raw"], key),
                      ratio(i["ours"], i["builtin"], key), ratio(i["ours"], i["raw"], key)])
    print("\nThroughput: median (min-max) over the repetitions; higher is better; "
          "'!' = some runs failed")
    print_table(head, lines)
    head = ["scenario", "size", "p50 us o/b/r", "p99 us o/b/r", "cpu unit", "cpu o/b",
            "wsrv o/b", "peak WS MiB o/b/r", "srv CPU% o/b/r"]
    lines = []
    for row in summary:
        sc, i = row["scenario"], row["impls"]
        o, b, r = i["ours"], i["builtin"], i["raw"]

        def trio(key, div=1.0, impls=(o, b, r)):
            return "/".join(fmt(medv(s, key) / div) if medv(s, key) is not None else "-"
                            for s in impls)
        lines.append([sc, size_str(row["size"]), trio("p50_us"), trio("p99_us"),
                      UNITS[sc][1], trio("cpu_per_unit", impls=(o, b)),
                      trio("wineserver_per_unit", impls=(o, b)),
                      trio("peak_working_set_kb", 1024.0), trio("server_cpu_pct")])
    print("\nCost: medians for ours/builtin/raw; cpu = client process (user+kernel) and "
          "wsrv = wineserver, per unit")
    print_table(head, lines)
    errors = [(row["scenario"], row["size"], impl, e) for row in summary
              for impl, s in row["impls"].items() for e in s["errors"]]
    for sc, size, impl, e in errors:
        print("failed: %s %s %s: %s" % (sc, size_str(size), impl, e))


def run_matrix(args, rows, reps, server, wsrv):
    results = []
    total, done = len(rows) * reps * len(IMPLS), 0
    for row in rows:
        for rep in range(reps):
            for impl in IMPLS:
                res = run_one(args, server, wsrv, impl, row)
                res["rep"] = rep
                results.append(res)
                done += 1
                key = RATE_KEY[row[0]]
                log("%3d/%d %-9s %-8s %-7s %s" % (done, total, row[0], size_str(row[1]), impl,
                    fmt(res.get(key)) if res.get("ok") else "FAIL " + str(res.get("error"))))
    return results


def on_signal(signum, frame):
    raise KeyboardInterrupt("signal %d" % signum)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", required=True)
    ap.add_argument("--bin", required=True)
    ap.add_argument("--server", required=True)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--reps", type=int)
    ap.add_argument("--only")
    ap.add_argument("--out")
    args = ap.parse_args()
    mode = "quick" if args.quick else "full"
    reps = max(1, args.reps or MODES[mode][2])
    rows = [r for r in matrix(mode) if not args.only or args.only in "%s/%d" % r[:2]]
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, on_signal)
    server = Server(os.path.abspath(args.server), 3600 if mode == "full" else 900)
    started = datetime.datetime.now()
    try:
        log("server on port %d; %s mode, %d reps, %d rows" % (server.port, mode, reps, len(rows)))
        wsrv = Wineserver(os.environ["WINEPREFIX"])
        try:
            # The first Wine process of a wineserver starts the prefix's
            # services, which inherit its output: give it none, or the runner
            # would wait on their pipes until the timeout.
            subprocess.run(client_cmd(args, "raw", "handshake", 0, 1, 1, server.port),
                           stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, timeout=120, check=False)
            results = run_matrix(args, rows, reps, server, wsrv)
        finally:
            wsrv.stop()
    finally:
        server.stop()
    summary = summarise(rows, results)
    print_tables(summary)
    out = args.out or os.path.join(args.root, "bench", "results",
                                   started.strftime("%Y%m%d-%H%M%S") + ".json")
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    with open(out, "w") as f:
        json.dump({"started": started.isoformat(), "mode": mode, "reps": reps,
                   "elapsed_s": (datetime.datetime.now() - started).total_seconds(),
                   "host": os.uname().nodename, "results": results, "summary": summary}, f,
                  indent=1)
    print("\nresults: " + out)


if __name__ == "__main__":
    main()
