#!/usr/bin/env bash
# Smoke run of the benchmark suite: tools/bench/run --quick must print its whole
# table, and its JSON must hold every scenario with a numeric ratio to each of
# its baselines. No threshold on any figure: those vary with the machine.
#   smoke_test.sh BIN_DIR   (the build's bin directory, already built)
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
bin_dir=${1:?usage: smoke_test.sh BIN_DIR}
out=$(mktemp -d "${TMPDIR:-/tmp}/bench-smoke.XXXXXX")
trap 'rm -rf "$out"' EXIT

BENCH_BIN="$bin_dir" "$repo/tools/bench/run" --quick --no-build --json "$out/bench.json" \
  | tee "$out/table.txt"

python3 - "$out/bench.json" "$out/table.txt" <<'PY'
import json, math, sys
doc = json.load(open(sys.argv[1]))
table = open(sys.argv[2]).read()
expected = ["members", "whoami", "invite", "write-mix", "log-append", "rebuild",
            "deep-page", "start-ready", "memory"]
with_baselines = {"members": 2, "whoami": 1, "invite": 1, "write-mix": 1, "log-append": 2,
                  "rebuild": 1, "deep-page": 1, "start-ready": 0, "memory": 0}
problems = []
for key in ("date", "cpu", "cores", "load"):
    if key not in doc["header"]:
        problems.append(f"header lacks {key}")
targets = {r["scenario"]: r for r in doc["rows"] if r["role"] == "target"}
for name in expected:
    row = targets.get(name)
    if row is None:
        problems.append(f"no row for {name}")
        continue
    if row["label"] not in table:
        problems.append(f"the printed table lacks {row['label']!r}")
    if not isinstance(row["value"], (int, float)) or not math.isfinite(row["value"]):
        problems.append(f"{name}: value {row['value']!r} is not a number")
    # Only a row that stopped at its time budget (a slow rebuild) may have fewer.
    if row["runs"] < 3 and "budget" not in (row.get("note") or ""):
        problems.append(f"{name}: {row['runs']} runs, fewer than 3")
    ratios = row["ratios"]
    if len(ratios) != with_baselines[name]:
        problems.append(f"{name}: {len(ratios)} ratios, expected {with_baselines[name]}")
    for label, ratio in ratios.items():
        if not isinstance(ratio, (int, float)) or not math.isfinite(ratio):
            problems.append(f"{name}: ratio to {label} is {ratio!r}, not a number")
if "share" not in table:
    problems.append("the table does not say that client and server share the cores")
for p in problems:
    print("FAIL:", p)
sys.exit(1 if problems else 0)
PY
echo "bench smoke: every row present, every ratio a number"
