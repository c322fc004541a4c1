#!/usr/bin/env bash
# Slow start on and off while web scales up under steady load: `dyno up` on a copy of examples/hello
# (JVM dynos, Standard-1X: 0.25 core each where cgroups can limit it), then
# `dyno bench --ramp R:R --scale web=FROM,TO --scale-at AT`, which warms web=FROM up, asks for web=TO
# AT seconds into the run and reports latency before, while and after the new dynos came up. Rounds
# alternate A B B A. Only loopback; every run is bounded. See docs/scaling.md.
#
#   benchmarks/load/slowstart-compare.sh                      # 4 rounds
#   benchmarks/load/slowstart-compare.sh --rounds 6
#
# A (row off): dyno up --slow-start 0
# B (row on):  dyno up --slow-start $SLOW_START
# Environment: PATHQ (/cpu?ms=5), RATE (35 req/s), FROM (1), TO (3), AT (8 s), DURATION (30 s),
# WARMUP (10 s), SLOW_START (10s), PORT (18480), KEEP (keep the work directory).
set -euo pipefail

ROUNDS=4
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rounds) ROUNDS="$2"; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
  esac
done
PATHQ="${PATHQ:-/cpu?ms=5}"
RATE="${RATE:-35}"
FROM="${FROM:-1}"
TO="${TO:-3}"
AT="${AT:-8}"
DURATION="${DURATION:-30}"
WARMUP="${WARMUP:-10}"
SLOW_START="${SLOW_START:-10s}"
PORT="${PORT:-18480}"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=lib.sh
source "$ROOT/benchmarks/load/lib.sh"
start_workspace dyno-slowstart
"$ROOT/dyno" --version >/dev/null # builds once, before any timing

run() { # name slow-start
  local name="$1" app="$WORK/app-$1-$ROUND"
  cp -r "$ROOT/examples/hello" "$app"
  rm -rf "$app/.dyno"
  timeout 300 "$ROOT/dyno" up --dir "$app" --port "$PORT" --slow-start "$2" >"$WORK/$name-$ROUND.log" 2>&1 &
  local pid=$!
  PIDS+=("$pid")
  wait_port "$PORT"
  timeout 200 "$ROOT/dyno" bench --dir "$app" --path "$PATHQ" --ramp "$RATE:$RATE" --duration "${DURATION}s" \
    --warmup "${WARMUP}s" --scale "web=$FROM,$TO" --scale-at "${AT}s" --json --out "$WORK/$name-$ROUND.html" \
    >"$WORK/$name-$ROUND.json" 2>>"$WORK/$name-$ROUND.log"
  timeout 60 "$ROOT/dyno" down --dir "$app" >/dev/null 2>&1 || true
  wait "$pid" 2>/dev/null || true
  python3 - "$name" "$ROUND" "$WORK/$name-$ROUND.json" <<'PY' | tee -a "$WORK/results"
import json, sys
doc = json.load(open(sys.argv[3]))
ph = {p["name"]: p for p in doc["phases"]}
b, s, a = ph["before"], ph["scaling"], ph["after"]
print(f"  {sys.argv[1]:<4} round={sys.argv[2]}  before p99 {b['p99Ms']:7.1f}  after p50 {a['p50Ms']:6.1f}"
      f"  p95 {a['p95Ms']:7.1f}  p99 {a['p99Ms']:7.1f}  max {a['maxMs']:7.1f} ms  errors {b['errors'] + s['errors'] + a['errors']}")
PY
}

echo "examples/hello $PATHQ at $RATE req/s, web $FROM -> $TO at ${AT}s of ${DURATION}s, $ROUNDS rounds (abba)"
for ROUND in $(seq 1 "$ROUNDS"); do
  if (( ROUND % 2 == 1 )); then
    run off 0; run on "$SLOW_START"
  else
    run on "$SLOW_START"; run off 0
  fi
done

echo
echo "| slow start | before p99 ms | after: p50 ms | p95 ms | p99 ms | max ms |"
echo "| --- | ---: | ---: | ---: | ---: | ---: |"
for name in off on; do
  awk -v n="$name" "$AWK_MEDIAN"'
    $1 == n {b[++k] = $5; p50[k] = $8; p95[k] = $10; p99[k] = $12; mx[k] = $14}
    END { printf "| %s | %.1f | %.1f | %.1f | %.1f | %.1f |\n", n, median(b, k), median(p50, k), median(p95, k), median(p99, k), median(mx, k) }' "$WORK/results"
done
