#!/usr/bin/env bash
# A quick screening of JVM settings for the router's tail: for each setting, `./dyno router --threads 1`
# in front of two nginx backends, 10 s warm-up, then `wrk -t1 -c64 -d15s` printing p50/p99/p99.9,
# the router's CPU ticks over the run, and its GC pauses (count, median/max, from -Xlog:gc).
# One run per setting, in order: a screening, not a comparison (use compare.sh with BASE_JAVA_OPTS
# for that). 127.0.0.1 only; everything stops by itself.
#
#   benchmarks/load/gc-screen.sh                                   # G1, ParallelGC, SerialGC, ZGC
#   benchmarks/load/gc-screen.sh "-XX:+UseG1GC" "-Xmn32m" "-XX:ParallelGCThreads=1"
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
[[ $# -gt 0 ]] && SETTINGS=("$@") || SETTINGS=("-XX:+UseG1GC" "-XX:+UseParallelGC" "-XX:+UseSerialGC" "-XX:+UseZGC")
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || { apt-get update -qq && apt-get install -y -qq nginx-light; }
WORK="$(mktemp -d /tmp/dyno-gc-screen.XXXXXX)"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
wait_port() { for _ in $(seq 1 300); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; return 1; }

"$ROOT/benchmarks/load/nginx-backend.sh" "$WORK/b1" 19101 & PIDS+=($!)
"$ROOT/benchmarks/load/nginx-backend.sh" "$WORK/b2" 19102 & PIDS+=($!)
wait_port 19101 && wait_port 19102
cat >"$WORK/lat.lua" <<'LUA'
done = function(summary, latency, requests)
  io.write(string.format("p50=%.2f p99=%.2f p99.9=%.2f max=%.2f ms\n", latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, latency:percentile(99.9) / 1000, latency.max / 1000))
end
LUA
for opts in "${SETTINGS[@]}"; do
  rm -f "$WORK/gc.log"
  DYNO_JAVA_OPTS="$opts -Xlog:gc:file=$WORK/gc.log" "$ROOT/dyno" router --port 19110 --threads 1 \
    --backend 127.0.0.1:19101 --backend 127.0.0.1:19102 --access-log "$WORK/access.log" >"$WORK/router.log" 2>&1 &
  pid=$!
  wait_port 19110
  timeout 30 wrk -t1 -c64 -d10s http://127.0.0.1:19110/ >/dev/null
  t0=$(awk '{print $14 + $15}' "/proc/$pid/stat")
  out=$(timeout 40 wrk -t1 -c64 -d15s -s "$WORK/lat.lua" http://127.0.0.1:19110/ | grep -E "Requests/sec|p50=" | tr '\n' ' ')
  t1=$(awk '{print $14 + $15}' "/proc/$pid/stat")
  pauses=$(grep -o '[0-9.]*ms$' "$WORK/gc.log" | tr -d ms | sort -n | awk '{a[NR] = $1} END {if (NR) printf "%d, median %s / max %s ms", NR, a[int(NR / 2) + 1], a[NR]; else printf "none logged"}')
  echo "$opts: $out cpu ticks $((t1 - t0)); GC pauses $pauses"
  kill "$pid"; wait "$pid" 2>/dev/null || true
done
