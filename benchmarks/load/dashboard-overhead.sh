#!/usr/bin/env bash
# Does watching the dashboard slow the router? Runs `dyno up` on an app whose web dynos are nginx
# (a fast backend), then wrk against the router alternately without and with the dashboard open
# (A B B A ...), on 127.0.0.1 only. See docs/observability.md.
#
#   benchmarks/load/dashboard-overhead.sh                      # 3 rounds of 10 s, viewer: headless chromium
#   benchmarks/load/dashboard-overhead.sh --viewer curl        # poll /dashboard/state each second instead
#   benchmarks/load/dashboard-overhead.sh --rounds 5 --duration 15 --dynos 2
#
# Environment: CONNECTIONS (64), WRK_THREADS (1), WARMUP (10 s), ROUTER_PORT (18280), API_PORT (18281),
# ROUTER_THREADS (2), KEEP (1: keep the temp dir).
set -euo pipefail

ROUNDS=3
DURATION=10
DYNOS=2
VIEWER=chromium
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rounds) ROUNDS="$2"; shift 2 ;;
    --duration) DURATION="$2"; shift 2 ;;
    --dynos) DYNOS="$2"; shift 2 ;;
    --viewer) VIEWER="$2"; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
  esac
done
[[ "$VIEWER" == chromium || "$VIEWER" == curl ]] || { echo "--viewer: $VIEWER (expected: chromium or curl)" >&2; exit 2; }
CONNECTIONS="${CONNECTIONS:-64}"
WRK_THREADS="${WRK_THREADS:-1}"
WARMUP="${WARMUP:-10}"
ROUTER_PORT="${ROUTER_PORT:-18280}"
API_PORT="${API_PORT:-18281}"
ROUTER_THREADS="${ROUTER_THREADS:-2}"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
JAR="$ROOT/platform/target/dyno.jar"

# shellcheck source=lib.sh
source "$ROOT/benchmarks/load/lib.sh"
install_missing wrk=wrk nginx=nginx-light
[[ "$VIEWER" == curl ]] || install_missing chromium=chromium
[[ -f "$JAR" ]] || (cd "$ROOT" && mvn -B -ntp -q -pl platform -am package -DskipTests)

WORK="$(mktemp -d /tmp/dyno-dashboard.XXXXXX)"
UP_PID=""
VIEWER_PID=""
cleanup() {
  [[ -n "$VIEWER_PID" ]] && kill "$VIEWER_PID" 2>/dev/null && wait "$VIEWER_PID" 2>/dev/null
  if [[ -n "$UP_PID" ]]; then
    kill -TERM "$UP_PID" 2>/dev/null || true
    wait "$UP_PID" 2>/dev/null || true
  fi
  if [[ "${KEEP:-0}" == 1 ]]; then echo "kept $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- the app: each web dyno is an nginx on $PORT answering 14 bytes ----
APP="$WORK/app"
mkdir -p "$APP"
cat >"$APP/web.sh" <<SH
#!/bin/sh
exec "$ROOT/benchmarks/load/nginx-backend.sh" "\$(pwd)/.nginx/\$DYNO" "\$PORT"
SH
chmod +x "$APP/web.sh"
echo "web: ./web.sh" >"$APP/Procfile"

java -jar "$JAR" up --dir "$APP" --port "$ROUTER_PORT" --api-port "$API_PORT" --threads "$ROUTER_THREADS" \
  --formation "web=$DYNOS" --no-color >"$WORK/up.log" 2>&1 &
UP_PID=$!
for _ in $(seq 1 300); do
  up=$(java -jar "$JAR" ps --dir "$APP" 2>/dev/null | grep -c ": up " || true)
  [[ "$up" -ge "$DYNOS" ]] && break
  sleep 0.2
done
[[ "${up:-0}" -ge "$DYNOS" ]] || { echo "web dynos did not come up; see $WORK/up.log" >&2; KEEP=1; exit 1; }

open_viewer() {
  local url
  url=$(java -jar "$JAR" dashboard --dir "$APP" | head -1)
  if [[ "$VIEWER" == chromium ]]; then
    /usr/bin/chromium --headless=new --no-sandbox --disable-gpu --window-size=1400,1000 \
      --user-data-dir="$WORK/profile-$RANDOM" --remote-debugging-port=0 "$url" >/dev/null 2>&1 &
  else
    ( curl -s -c "$WORK/cookies" -o /dev/null "$url"
      for _ in $(seq 1 $((DURATION + 30))); do
        curl -s -b "$WORK/cookies" -o /dev/null "http://127.0.0.1:$API_PORT/dashboard/state"; sleep 1
      done ) &
  fi
  VIEWER_PID=$!
  sleep 3 # let the page load and start polling
}

close_viewer() {
  kill "$VIEWER_PID" 2>/dev/null || true
  wait "$VIEWER_PID" 2>/dev/null || true
  VIEWER_PID=""
  pkill -f "$WORK/profile-" 2>/dev/null || true
  sleep 3 # let the viewer's shutdown finish before the next measurement
}

run_wrk() { # -> prints requests/s
  wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${1}s" --latency "http://127.0.0.1:$ROUTER_PORT/" >"$WORK/wrk.out"
  awk '/Requests\/sec/ {print $2}' "$WORK/wrk.out"
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

echo "warm-up ${WARMUP}s ..." >&2
run_wrk "$WARMUP" >/dev/null
closed=(); open=()
run_open() {
  open_viewer
  open+=("$(run_wrk "$DURATION")")
  close_viewer
}
# A B B A ...: neither side always runs first, or right after the viewer's start-up or shutdown
for r in $(seq 1 "$ROUNDS"); do
  if (( r % 2 == 1 )); then
    closed+=("$(run_wrk "$DURATION")"); run_open
  else
    run_open; closed+=("$(run_wrk "$DURATION")")
  fi
  echo "round $r: closed ${closed[-1]} req/s, open (${VIEWER}) ${open[-1]} req/s" >&2
done
mc=$(printf '%s\n' "${closed[@]}" | median)
mo=$(printf '%s\n' "${open[@]}" | median)
printf '\n| dashboard | median req/s | rounds |\n|---|---|---|\n'
printf '| closed | %.0f | %s |\n' "$mc" "${closed[*]}"
printf '| open (%s) | %.0f | %s |\n' "$VIEWER" "$mo" "${open[*]}"
awk -v a="$mc" -v b="$mo" 'BEGIN { printf "\nopen/closed = %.3f (change %+.1f%%)\n", b / a, 100 * (b - a) / a }'
