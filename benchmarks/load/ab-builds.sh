#!/usr/bin/env bash
# Two builds of `dyno router` side by side: the same load on each, rounds alternating A B B A, on
# 127.0.0.1 only. Reports each run's req/s, the router's CPU seconds per 100k requests (user + system
# from /proc), how many connections it opened to the backend (nginx's stub_status `accepts`), and
# h2load's request time. See docs/performance.md.
#
#   git worktree add /tmp/base COMMIT && (cd /tmp/base && mvn -o -q -pl platform -am package -DskipTests)
#   A_JAR=/tmp/base/platform/target/dyno.jar benchmarks/load/ab-builds.sh           # B: this checkout
#   MODE=h1 CONNS=128 benchmarks/load/ab-builds.sh
#
# Environment: A_JAR (required), B_JAR (platform/target/dyno.jar), MODE (h2c: prior-knowledge h2, or
# h1), CONNS (16), STREAMS (10, h2c), REQUESTS (60000), WARMUP (40000), ROUNDS (4), PORT (19310).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
A_JAR="${A_JAR:?set A_JAR to the dyno.jar of the base build}"
B_JAR="${B_JAR:-$ROOT/platform/target/dyno.jar}"
MODE="${MODE:-h2c}"; CONNS="${CONNS:-16}"; STREAMS="${STREAMS:-10}"
REQUESTS="${REQUESTS:-60000}"; WARMUP="${WARMUP:-40000}"; ROUNDS="${ROUNDS:-4}"; PORT="${PORT:-19310}"
BACKEND=$((PORT + 1)); STATUS=$((PORT + 2))
# shellcheck source=lib.sh
source "$ROOT/benchmarks/load/lib.sh"
install_missing h2load=nghttp2-client nginx=nginx-light
[[ -f "$B_JAR" ]] || "$ROOT/dyno" --version >/dev/null
start_workspace dyno-ab
mkdir -p "$WORK/b"
cat >"$WORK/backend.conf" <<CONF
worker_processes 1; daemon off; pid $WORK/b/pid; error_log $WORK/b/error.log;
events { worker_connections 8192; }
http { access_log off; client_body_temp_path $WORK/b; proxy_temp_path $WORK/b; fastcgi_temp_path $WORK/b;
  uwsgi_temp_path $WORK/b; scgi_temp_path $WORK/b; keepalive_requests 10000000; keepalive_timeout 120s;
  server { listen 127.0.0.1:$BACKEND; location / { default_type text/plain; return 200 "Hello, world!"; } }
  server { listen 127.0.0.1:$STATUS; location / { stub_status; } } }
CONF
nginx -c "$WORK/backend.conf" >/dev/null 2>&1 &
PIDS+=($!)
wait_port "$BACKEND"
accepts() { curl -s "http://127.0.0.1:$STATUS/" | awk 'NR == 3 {print $1}'; }
load() { # requests
  if [[ "$MODE" == h1 ]]; then h2load --h1 -n "$1" -c "$CONNS" "http://127.0.0.1:$PORT/"
  else h2load -n "$1" -c "$CONNS" -m "$STREAMS" "http://127.0.0.1:$PORT/"; fi
}

run() { # name jar
  java -jar "$2" router --port "$PORT" --threads 1 --access-log off --api-port -1 \
    --backend "127.0.0.1:$BACKEND" >"$WORK/$1.log" 2>&1 &
  local pid=$!
  PIDS+=("$pid")
  wait_port "$PORT"
  load "$WARMUP" >/dev/null 2>&1
  local a0 t0 out t1 a1
  a0=$(accepts); t0=$(awk '{print $14 + $15}' "/proc/$pid/stat")
  out=$(load "$REQUESTS" 2>&1)
  t1=$(awk '{print $14 + $15}' "/proc/$pid/stat"); a1=$(accepts)
  kill "$pid"; wait "$pid" 2>/dev/null || true
  awk -v n="$1" -v r="$ROUND" -v ticks=$((t1 - t0)) -v hz="$(getconf CLK_TCK)" -v req="$REQUESTS" -v conns=$((a1 - a0)) '
    /^finished in/ {rps = $4}
    /succeeded/ {ok = $8}
    /time for request/ {mean = $6; max = $5}
    END {printf "  %-4s round=%d  %9.0f req/s  cpu_s/100k %6.2f  backend_conns %6d  mean %s  max %s  succeeded %s\n",
         n, r, rps, ticks / hz / req * 100000, conns, mean, max, ok}' <<<"$out" | tee -a "$WORK/results"
}

echo "$MODE, $CONNS connections$([[ $MODE == h1 ]] || echo " x $STREAMS streams"), $REQUESTS requests a run, $ROUNDS rounds (abba); A=$A_JAR B=$B_JAR"
for ROUND in $(seq 1 "$ROUNDS"); do
  if (( ROUND % 2 == 1 )); then run A "$A_JAR"; run B "$B_JAR"; else run B "$B_JAR"; run A "$A_JAR"; fi
done
echo
echo "| build | req/s (median) | CPU s/100k (median) | backend connections opened (median) |"
echo "| --- | ---: | ---: | ---: |"
for name in A B; do
  awk -v n="$name" "$AWK_MEDIAN"'
    $1 == n {rps[++k] = $3; cpu[k] = $6; bc[k] = $8}
    END { printf "| %s | %.0f | %.2f | %.0f |\n", n, median(rps, k), median(cpu, k), median(bc, k) }' "$WORK/results"
done
