#!/usr/bin/env bash
# Router queueing against least-conn without a queue, for apps that serve one request at a time
# with heavy-tailed work: four tail-backend.py dynos (most requests 5 ms, one in ten 100 ms) behind
# `./dyno router`, wrk on 127.0.0.1 only, rounds alternating A B B A. See docs/scaling.md.
#
#   benchmarks/load/queue-compare.sh                        # 4 rounds of 15 s, 16 connections
#   benchmarks/load/queue-compare.sh --rounds 6 --duration 20
#
# A (row least-conn): --balance least-conn (no queue: requests wait in a dyno's accept queue)
# B (row queue):      --balance least-conn --max-inflight-per-dyno 1 --queue-timeout 30s
# Environment: CONNECTIONS (16), BACKENDS (4), FAST_MS (5), SLOW_MS (100), TAIL (10), BASE_PORT (18380), KEEP.
set -euo pipefail

ROUNDS=4
DURATION=15
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rounds) ROUNDS="$2"; shift 2 ;;
    --duration) DURATION="$2"; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
  esac
done
CONNECTIONS="${CONNECTIONS:-16}"
BACKENDS="${BACKENDS:-4}"
BASE_PORT="${BASE_PORT:-18380}"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=lib.sh
source "$ROOT/benchmarks/load/lib.sh"
install_missing wrk=wrk
start_workspace dyno-queue

BACKEND_ARGS=()
for i in $(seq 1 "$BACKENDS"); do
  port=$((BASE_PORT + i))
  python3 "$ROOT/benchmarks/load/tail-backend.py" "$port" "${FAST_MS:-5}" "${SLOW_MS:-100}" "${TAIL:-10}" &
  PIDS+=($!)
  wait_port "$port"
  BACKEND_ARGS+=(--backend "127.0.0.1:$port")
done
ROUTER_PORT=$BASE_PORT
"$ROOT/dyno" --version >/dev/null # builds once, before any timing

run() { # name extra-router-flags...
  local name="$1" out
  shift
  "$ROOT/dyno" router --port "$ROUTER_PORT" --threads 1 --access-log off --api-port -1 --balance least-conn \
    "${BACKEND_ARGS[@]}" "$@" >"$WORK/$name.log" 2>&1 &
  local pid=$!
  wait_port "$ROUTER_PORT"
  wrk -t1 -c"$CONNECTIONS" -d2s "http://127.0.0.1:$ROUTER_PORT/" >/dev/null # warm-up
  out="$(wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency "http://127.0.0.1:$ROUTER_PORT/")"
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  local rps p50 p90 p99 errs
  rps="$(awk '/^Requests\/sec/ {print $2}' <<<"$out")"
  p50="$(to_ms "$(awk '$1 == "50%" {print $2}' <<<"$out")")"
  p90="$(to_ms "$(awk '$1 == "90%" {print $2}' <<<"$out")")"
  p99="$(to_ms "$(awk '$1 == "99%" {print $2}' <<<"$out")")"
  errs="$(awk '/Non-2xx/ {print $NF}' <<<"$out")"
  printf '  %-10s round=%d  %8.1f req/s  p50 %8.3f  p90 %8.3f  p99 %8.3f ms  non-2xx %s\n' \
    "$name" "$ROUND" "$rps" "$p50" "$p90" "$p99" "${errs:-0}" | tee -a "$WORK/results"
}

echo "$BACKENDS one-at-a-time dynos (${FAST_MS:-5} ms, 1 in ${TAIL:-10} ${SLOW_MS:-100} ms), wrk -t1 -c$CONNECTIONS -d${DURATION}s, $ROUNDS rounds (abba)"
for ROUND in $(seq 1 "$ROUNDS"); do
  if (( ROUND % 2 == 1 )); then
    run least-conn
    run queue --max-inflight-per-dyno 1 --queue-timeout 30s
  else
    run queue --max-inflight-per-dyno 1 --queue-timeout 30s
    run least-conn
  fi
done

echo
echo "| setup | req/s (median) | p50 ms | p90 ms | p99 ms |"
echo "| --- | ---: | ---: | ---: | ---: |"
for name in least-conn queue; do
  awk -v n="$name" "$AWK_MEDIAN"'
    $1 == n {rps[++k] = $3; p50[k] = $6; p90[k] = $8; p99[k] = $10}
    END { printf "| %s | %.0f | %.3f | %.3f | %.3f |\n", n, median(rps, k), median(p50, k), median(p90, k), median(p99, k) }' "$WORK/results"
done
