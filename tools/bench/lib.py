#!/usr/bin/env python3
"""Helpers of tools/bench/run: the parts that are awkward in bash (HTTP polling,
JSON, percentiles, the table). Standard library only.

  lib.py free-port
  lib.py wait-ready URL TIMEOUT_S      polls URL until it answers 200; prints the
                                       Unix time it did (exit 1 on timeout)
  lib.py start-ready PIDFILE OUTFILE URL TIMEOUT_S COMMAND...
                                       starts COMMAND (stdout to OUTFILE, stderr to
                                       /dev/null), writes its PID to PIDFILE at once,
                                       polls URL; prints the seconds from the start to
                                       the first 200 (the command keeps running)
  lib.py field JSON_FILE KEY[.KEY...]  prints one field of a JSON document
  lib.py setup-api BASE_URL OWNER_KEY [DEEP_ORG DEEP_TOKEN]
                                       the organizations and keys of the HTTP scenarios,
                                       made through the API; prints them as JSON
  lib.py wrk-result OUTPUT_FILE NAME RUN
                                       the BENCH_JSON line of a wrk run -> a result line
  lib.py pgbench-result NAME RUN COMMITTED SECONDS PROCESSED LOGFILE...
                                       a pgbench run -> a result line (latency from its
                                       per-transaction logs)
  lib.py report RESULTS.jsonl SCENARIOS.json HEADER.json [--json FILE]
                                       the table (stdout) and the JSON document
  lib.py markdown FILE.json            the table of a --json file as Markdown (README)
"""
import http.client
import json
import math
import os
import socket
import subprocess
import sys
import time
import urllib.parse


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        print(s.getsockname()[1])


def poll_until_ok(url, timeout, alive=lambda: True):
    """The time.monotonic() of the first 200 from URL, or None."""
    parsed = urllib.parse.urlsplit(url)
    deadline = time.monotonic() + float(timeout)
    while time.monotonic() < deadline and alive():
        try:
            conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=1)
            conn.request("GET", parsed.path or "/")
            if conn.getresponse().status == 200:
                return time.monotonic()
        except OSError:
            pass
        # Short: the start being measured may itself take only tens of ms.
        time.sleep(0.002)
    return None


def wait_ready(url, timeout):
    if poll_until_ok(url, timeout) is None:
        return 1
    print(f"{time.time():.6f}")
    return 0


def start_ready(pidfile, outfile, url, timeout, *command):
    # Started from here, not from the shell, so that the clock starts at the
    # spawn and polling is already running: an interpreter's own start-up would
    # otherwise count as the server's.
    with open(outfile, "w") as out, open(os.devnull, "w") as null:
        started = time.monotonic()
        child = subprocess.Popen(command, stdout=out, stderr=null)
    with open(pidfile, "w") as f:
        f.write(f"{child.pid}\n")
    ready = poll_until_ok(url, timeout, alive=lambda: child.poll() is None)
    if ready is None:
        return 1
    print(f"{ready - started:.6f}")
    return 0


def call(base, method, path, body, headers):
    """One API request; the parsed JSON answer, or an exception naming the failure."""
    parsed = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=60)
    hdrs = dict(headers)
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        hdrs["Content-Type"] = "application/json"
    conn.request(method, parsed.path + path, body=data, headers=hdrs)
    response = conn.getresponse()
    text = response.read()
    if not 200 <= response.status < 300:
        raise RuntimeError(f"{method} {path}: {response.status} {text[:300]!r}")
    return json.loads(text) if text else None


def setup_api(base, owner_key, deep_org=None, deep_token=None):
    owner = {"X-API-Key": owner_key}
    orgs = call(base, "GET", "/organizations", None, owner)["data"]
    read_org = orgs[0]["id"]

    def key(org, role, credential):
        # The highest rates the API grants (1 000 000/min, 100 000 000/day): a
        # fast read run would otherwise measure the rate limiter's 429s.
        return call(base, "POST", f"/organizations/{org}/api-keys",
                    {"name": f"bench {role}", "role": role,
                     "rate_limit_per_minute": 1000000, "rate_limit_per_day": 100000000},
                    credential)["key"]

    # The 25-member organization the read scenarios ask for: its owner and 24 invited.
    for i in range(1, 25):
        call(base, "POST", f"/organizations/{read_org}/members",
             {"email": f"member{i}@bench.example", "role": "editor"}, owner)
    # Keys taken in turn by the read runs: eight of them stay under their
    # per-minute limit up to 130 000 requests/s.
    read_keys = [key(read_org, "readonly", owner) for _ in range(8)]
    # Writes go to an organization of their own, so reads see the same data throughout.
    write_org = call(base, "POST", "/organizations", {"name": "Bench writes", "country": "DE"},
                     owner)["id"]
    out = {"read_org": read_org, "read_keys": read_keys, "write_org": write_org,
           "write_key": key(write_org, "manager", owner)}
    if deep_org:
        out["deep_key"] = key(deep_org, "readonly", {"Authorization": f"Bearer {deep_token}"})
    print(json.dumps(out))
    return 0


def field(path, keys):
    with open(path) as f:
        value = json.load(f)
    for key in keys.split("."):
        value = value[int(key)] if isinstance(value, list) else value[key]
    print(value if not isinstance(value, (dict, list)) else json.dumps(value))


def wrk_result(output_file, name, run):
    with open(output_file) as f:
        lines = [l for l in f if l.startswith("BENCH_JSON ")]
    if not lines:
        print(f"no BENCH_JSON line in {output_file}", file=sys.stderr)
        return 1
    r = json.loads(lines[-1][len("BENCH_JSON "):])
    seconds = r["duration_us"] / 1e6
    ok = sum(n for status, n in r["statuses"].items() if 200 <= int(status) < 300)
    non2xx = {s: n for s, n in r["statuses"].items() if not 200 <= int(s) < 300}
    sent = r.get("sent", {})
    note = None
    if sent.get("role") or sent.get("remove"):
        note = (f"requests sent in its last run: {sent['invite']} invites, {sent['role']} role "
                f"changes, {sent['remove']} removals")
    print(json.dumps({
        "measurement": name, "run": int(run), "unit": "req/s",
        "value": ok / seconds, "count": ok, "seconds": seconds,
        "p50_ms": r["p50_us"] / 1000, "p99_ms": r["p99_us"] / 1000,
        "errors": sum(non2xx.values()) + r["socket_errors"],
        "error_detail": {**{f"HTTP {s}": n for s, n in non2xx.items()},
                         **({"socket": r["socket_errors"]} if r["socket_errors"] else {})},
        "note": note,
    }))
    return 0


def wrk_sum(name, run, *output_files):
    """Several wrk runs at once (one per node) as one measurement: requests
    summed over the longest run; p50 the median of the runs' p50s, p99 their
    worst p99 (wrk reports no histogram to merge)."""
    parts = []
    for path in output_files:
        with open(path) as f:
            lines = [l for l in f if l.startswith("BENCH_JSON ")]
        if not lines:
            print(f"no BENCH_JSON line in {path}", file=sys.stderr)
            return 1
        parts.append(json.loads(lines[-1][len("BENCH_JSON "):]))
    seconds = max(r["duration_us"] for r in parts) / 1e6
    ok = 0
    non2xx = {}
    socket_errors = 0
    for r in parts:
        for status, n in r["statuses"].items():
            if 200 <= int(status) < 300:
                ok += n
            else:
                non2xx[status] = non2xx.get(status, 0) + n
        socket_errors += r["socket_errors"]
    print(json.dumps({
        "measurement": name, "run": int(run), "unit": "req/s",
        "value": ok / seconds, "count": ok, "seconds": seconds,
        "p50_ms": median([r["p50_us"] / 1000 for r in parts]),
        "p99_ms": max(r["p99_us"] / 1000 for r in parts),
        "errors": sum(non2xx.values()) + socket_errors,
        "error_detail": {**{f"HTTP {s}": n for s, n in non2xx.items()},
                         **({"socket": socket_errors} if socket_errors else {})},
        "note": f"{len(parts)} nodes, one wrk each; p99 the worst of them",
    }))
    return 0


def percentile(sorted_values, p):
    if not sorted_values:
        return 0.0
    k = max(0, min(len(sorted_values) - 1, math.ceil(p / 100 * len(sorted_values)) - 1))
    return sorted_values[k]


def pgbench_result(name, run, committed, seconds, processed, *logs):
    # pgbench --log: "client_id transaction_no time_us script_no epoch epoch_us";
    # a failed transaction has "failed" in place of its time.
    latencies = []
    failed = 0
    for path in logs:
        with open(path) as f:
            for line in f:
                parts = line.split()
                if len(parts) < 3:
                    continue
                if parts[2].isdigit():
                    latencies.append(int(parts[2]))
                else:
                    failed += 1
    latencies.sort()
    committed, seconds, processed = int(committed), float(seconds), int(processed)
    # Counted from the table: a transaction pgbench counts but the table lacks
    # (or one it aborted) is an error, never throughput.
    errors = failed + max(0, processed - committed)
    print(json.dumps({
        "measurement": name, "run": int(run), "unit": "tx/s",
        "value": committed / seconds, "count": committed, "seconds": seconds,
        "p50_ms": percentile(latencies, 50) / 1000, "p99_ms": percentile(latencies, 99) / 1000,
        "errors": errors, "error_detail": {"failed or uncommitted": errors} if errors else {},
    }))
    return 0


def median(values):
    v = sorted(values)
    n = len(v)
    if n == 0:
        return None
    return v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2


def summarize(results, name):
    notes = [r["note"] for r in results if r["measurement"] == name and r.get("note")]
    runs = [r for r in results if r["measurement"] == name and not r.get("note_only")]
    if not runs:
        return None
    errors = sum(r.get("errors", 0) for r in runs)
    detail = {}
    for r in runs:
        for k, n in (r.get("error_detail") or {}).items():
            detail[k] = detail.get(k, 0) + n

    def med(key):
        values = [r[key] for r in runs if r.get(key) is not None]
        return median(values) if values else None

    return {"runs": len(runs), "unit": runs[0]["unit"], "value": med("value"),
            "p50_ms": med("p50_ms"), "p99_ms": med("p99_ms"), "errors": errors,
            "error_detail": detail, "note": notes[-1] if notes else None}


def fmt_value(value, unit):
    if value is None:
        return "-"
    if unit in ("s",):
        return f"{value:.3f} s"
    if unit == "MiB":
        return f"{value:,.0f} MiB".replace(",", " ")
    return f"{value:,.0f} {unit}".replace(",", " ")


def fmt_ratio(ratio):
    # Two significant digits below 0.1: 0.0060, not a flattering 0.01.
    return f"{ratio:.2f}" if ratio >= 0.1 else f"{ratio:.2g}"


def fmt_ms(ms):
    if ms is None:
        return "-"
    return f"{ms:.2f} ms" if ms < 10 else f"{ms:.1f} ms"


def report(results_path, scenarios_path, header_path, json_out=None):
    with open(results_path) as f:
        results = [json.loads(l) for l in f if l.strip()]
    with open(scenarios_path) as f:
        scenarios = json.load(f)
    with open(header_path) as f:
        header = json.load(f)

    rows = []
    for sc in scenarios:
        target = summarize(results, sc["target"])
        if target is None:
            continue
        ratios = {}
        baselines = []
        for b in sc.get("baselines", []):
            s = summarize(results, b["measurement"])
            if s is None:
                continue
            ratio = (target["value"] / s["value"]) if s["value"] else 0.0
            # A time (start, memory) is better when lower; the ratio is still
            # target / baseline so that it reads the same way in every row.
            ratios[b["label"]] = ratio
            baselines.append({"scenario": sc["name"], "label": b["label"], "role": "baseline",
                              "measurement": b["measurement"], **s, "ratios": {}})
        rows.append({"scenario": sc["name"], "label": sc["label"], "role": "target",
                     "measurement": sc["target"], **target, "ratios": ratios})
        rows.extend(baselines)

    out = sys.stdout
    print(f"accountd benchmarks   {header['date']}", file=out)
    print(f"machine: {header['cpu']}, {header['cores']} cores, load average at start "
          f"{header['load']}; {header['kernel']}", file=out)
    print(f"mode: {header['mode']}; every figure is the median of the runs shown, target "
          f"and baseline runs alternating", file=out)
    print("client (wrk, pgbench) and server share these cores: absolute figures are "
          "pessimistic, the ratios are what to compare", file=out)
    print(file=out)
    cols = ("scenario", "runs", "throughput / result", "p50", "p99", "errors", "ratio")
    lines = []
    for r in rows:
        label = r["label"] if r["role"] == "target" else "  vs " + r["label"]
        if r["role"] == "target" and r["ratios"]:
            ratio = "; ".join(f"{fmt_ratio(v)}x {k}" for k, v in r["ratios"].items())
        elif r["role"] == "target":
            ratio = "-"
        else:
            ratio = "(baseline)"
        errors = str(r["errors"])
        if r["errors"]:
            errors += " (" + ", ".join(f"{k}: {n}" for k, n in r["error_detail"].items()) + ")"
        value = fmt_value(r["value"], r["unit"])
        if r["errors"]:
            value += " !"
        lines.append((label, str(r["runs"]), value, fmt_ms(r["p50_ms"]), fmt_ms(r["p99_ms"]),
                      errors, ratio))
    widths = [max(len(c), *(len(l[i]) for l in lines)) if lines else len(c)
              for i, c in enumerate(cols)]
    right = {1, 2, 3, 4}

    def line(cells):
        return "  ".join(c.rjust(w) if i in right else c.ljust(w)
                         for i, (c, w) in enumerate(zip(cells, widths))).rstrip()

    print(line(cols), file=out)
    print("  ".join("-" * w for w in widths), file=out)
    for l in lines:
        print(line(l), file=out)
    if any(r["errors"] for r in rows):
        print("\n! this figure had errors in its runs (non-2xx answers or failed "
              "transactions, counted apart from throughput)", file=out)
    notes = [f"{r['label']}: {r['note']}" for r in rows if r.get("note")]
    if notes:
        print(file=out)
        for n in notes:
            print("note: " + n, file=out)

    if json_out:
        with open(json_out, "w") as f:
            json.dump({"header": header, "rows": rows}, f, indent=2)
            f.write("\n")
    return 0


def markdown(json_path):
    with open(json_path) as f:
        doc = json.load(f)
    print("| scenario | runs | throughput / result | p50 | p99 | errors | ratio to the baseline |")
    print("|---|--:|--:|--:|--:|--:|---|")
    for r in doc["rows"]:
        label = r["label"] if r["role"] == "target" else "&nbsp;&nbsp;baseline: " + r["label"]
        ratio = ""
        if r["role"] == "target":
            ratio = "; ".join(f"**{fmt_ratio(v)}×** {k}" for k, v in r["ratios"].items()) or "–"
        value = fmt_value(r["value"], r["unit"])
        errors = str(r["errors"])
        if r["errors"]:
            value += " (with errors)"
            errors += " (" + ", ".join(f"{k}: {n}" for k, n in r["error_detail"].items()) + ")"
        dash = lambda text: "–" if text == "-" else text
        print(f"| {label.replace(' x 100', ' × 100')} | {r['runs']} | {value} | "
              f"{dash(fmt_ms(r['p50_ms']))} | {dash(fmt_ms(r['p99_ms']))} | {errors} | {ratio} |")
    notes = [f"{r['label']}: {r['note']}" for r in doc["rows"] if r.get("note")]
    for n in notes:
        print(f"\n- {n}", end="")
    print()
    return 0


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    cmd, args = argv[1], argv[2:]
    if cmd == "free-port":
        free_port()
        return 0
    if cmd == "wait-ready":
        return wait_ready(*args)
    if cmd == "start-ready":
        return start_ready(*args)
    if cmd == "setup-api":
        return setup_api(*args)
    if cmd == "field":
        field(*args)
        return 0
    if cmd == "wrk-result":
        return wrk_result(*args)
    if cmd == "wrk-sum":
        return wrk_sum(*args)
    if cmd == "pgbench-result":
        return pgbench_result(*args)
    if cmd == "markdown":
        return markdown(*args)
    if cmd == "report":
        json_out = None
        if "--json" in args:
            i = args.index("--json")
            json_out = args[i + 1]
            args = args[:i] + args[i + 2:]
        return report(*args, json_out=json_out)
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
