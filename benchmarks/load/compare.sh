#!/usr/bin/env bash
# Compares the shipped Dyno router (`./dyno router`, and the router inside `./dyno up`) with HAProxy
# and nginx as reverse proxies in front of two nginx backends, on 127.0.0.1 only, with wrk; then
# measures each proxy's memory per idle keep-alive client connection. See benchmarks/README.md and
# docs/performance.md.
#
#   benchmarks/load/compare.sh                            # 1 then 2 threads, 3 rounds of 10 s, access log on
#   benchmarks/load/compare.sh --threads 1 --order abba   # rounds alternate A B C D, D C B A, ...
#   ACCESS_LOG=off benchmarks/load/compare.sh             # no access lines (Dyno: --access-log off)
#   benchmarks/load/compare.sh --heap 64m --proxies dyno,haproxy --idle-conns 0
#   BASE_JAR=/tmp/old/dyno.jar benchmarks/load/compare.sh --proxies dyno,base --order abba   # A/B two builds
#
# Options: --threads "1 2", --rounds 3, --duration 10 (s), --heap SIZE (Dyno's -Xmx), --access-log on|off
# (or ACCESS_LOG), --proxies dyno,dyno-up,haproxy,nginx[,base], --order same|abba, --idle-conns N (9000; 0 skips).
# Environment: CONNECTIONS (64), WRK_THREADS (1), WARMUP (10 s), BASE_PORT (18080), BASE_JAR (a dyno.jar
# of another build: row "base", run as `java -jar BASE_JAR router`), JAVA_OPTS (extra JVM flags for Dyno),
# BASE_JAVA_OPTS (JVM flags of the base row instead of JAVA_OPTS: A/B one jar with two settings),
# BASE_ROUTER_ARGS (extra `dyno router` flags of the base row, e.g. "--api-port -1": metrics off),
# IDLE_HOLD (3 s), KEEP (1: keep the temp dir with configs, logs and raw wrk outputs).
set -euo pipefail

THREADS_LIST="1 2"
ROUNDS=3
DURATION=10
HEAP=""
ACCESS_LOG="${ACCESS_LOG:-on}"
ONLY=""
ORDER=same
IDLE_CONNS="${IDLE_CONNS:-9000}"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --threads) THREADS_LIST="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    --duration) DURATION="$2"; shift 2 ;;
    --heap) HEAP="$2"; shift 2 ;;
    --access-log) ACCESS_LOG="$2"; shift 2 ;;
    --proxies) ONLY="$2"; shift 2 ;;
    --order) ORDER="$2"; shift 2 ;;
    --idle-conns) IDLE_CONNS="$2"; shift 2 ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
  esac
done
[[ "$ACCESS_LOG" == on || "$ACCESS_LOG" == off ]] || { echo "--access-log: $ACCESS_LOG (expected: on or off)" >&2; exit 2; }
[[ "$ORDER" == same || "$ORDER" == abba ]] || { echo "--order: $ORDER (expected: same or abba)" >&2; exit 2; }
CONNECTIONS="${CONNECTIONS:-64}"
WRK_THREADS="${WRK_THREADS:-1}"
WARMUP="${WARMUP:-10}"
BASE_PORT="${BASE_PORT:-18080}"
IDLE_HOLD="${IDLE_HOLD:-3}"
JAVA="${JAVA:-java}"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
DYNO="$ROOT/dyno"

BACKEND_A=$((BASE_PORT + 1))
BACKEND_B=$((BASE_PORT + 2))
PORT_DYNO=$((BASE_PORT + 10))
PORT_HAPROXY=$((BASE_PORT + 11))
PORT_NGINX=$((BASE_PORT + 12))
PORT_BASE=$((BASE_PORT + 13))
PORT_UP=$((BASE_PORT + 14))
PORT_UP_API=$((BASE_PORT + 15))

# ---- tools, descriptors, the build ----
# shellcheck source=lib.sh
source "$ROOT/benchmarks/load/lib.sh"
install_missing wrk=wrk nginx=nginx-light haproxy=haproxy python3=python3
# Every proxy gets the hard open-file limit (`./dyno` takes it too). Dyno counts two descriptors per
# client connection, so MAXCONN is what the limit allows it; the idle clients stay below that.
ulimit -n "$(ulimit -Hn)"
MAXCONN=$(( ($(ulimit -n) - 64) / 2 - 16 ))
if (( IDLE_CONNS > MAXCONN )); then
  echo "--idle-conns $IDLE_CONNS: above what $(ulimit -n) open files allow every proxy; using $MAXCONN" >&2
  IDLE_CONNS=$MAXCONN
fi
"$DYNO" --version >/dev/null # builds platform/target/dyno.jar if a source changed
if [[ -n "${BASE_JAR:-}" && ! -f "$BASE_JAR" ]]; then
  echo "missing BASE_JAR $BASE_JAR" >&2; exit 1
fi

# ---- processes we start, stopped on any exit (lib.sh) ----
start_workspace dyno-compare
write_wrk_p999 "$WORK/p999.lua"

stop_pid() { # pid
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
  local keep=() p
  for p in "${PIDS[@]}"; do [[ "$p" != "$1" ]] && keep+=("$p"); done
  PIDS=("${keep[@]}")
}

# ---- backends: two nginx, one worker each, 14-byte body, no logs (nginx-backend.sh) ----
start_backend() { # port
  "$ROOT/benchmarks/load/nginx-backend.sh" "$WORK/backend-$1" "$1" &
  PIDS+=($!)
  wait_port "$1"
}

# ---- the proxies. Each adds X-Forwarded-For/-Proto/-Port, X-Request-Start, X-Request-Id, Via,
# ---- keeps connections to the backends alive, balances round-robin and, with the access log on,
# ---- writes one line per request: Dyno to stdout (redirected to a file), nginx through a 64 KiB
# ---- buffer to a file, HAProxy into its in-memory ring. PROXY_PID is the process to measure;
# ---- SELF_ONLY=self when its children are not part of the proxy (dyno up's dynos). ----
dyno_flags() { # threads
  DYNO_FLAGS=(--threads "$1" --max-connections "$MAXCONN" --max-connections-per-client "$MAXCONN")
  # --access-log off: the flag arrives with the access-log control work (issue 14); a build
  # without it stops here with picocli's "Unknown option".
  [[ "$ACCESS_LOG" == off ]] && DYNO_FLAGS+=(--access-log off)
  return 0
}

start_dyno() { # threads [jar port name]
  local jar="${2:-}" port="${3:-$PORT_DYNO}" name="${4:-dyno}" opts="${JAVA_OPTS:-}" cmd extra=()
  # shellcheck disable=SC2206
  [[ "$name" == base && -n "${BASE_ROUTER_ARGS:-}" ]] && extra=($BASE_ROUTER_ARGS)
  [[ "$name" == base && -n "${BASE_JAVA_OPTS+x}" ]] && opts="$BASE_JAVA_OPTS"
  [[ -n "$HEAP" ]] && opts="-Xmx$HEAP $opts"
  dyno_flags "$1"
  if [[ -n "$jar" ]]; then
    # shellcheck disable=SC2206
    cmd=("$JAVA" $opts -jar "$jar")
  else
    cmd=(env "DYNO_JAVA_OPTS=$opts" "$DYNO") # the launcher execs java: the pid stays the JVM's
  fi
  "${cmd[@]}" router --port "$port" --backend "127.0.0.1:$BACKEND_A" --backend "127.0.0.1:$BACKEND_B" \
    "${DYNO_FLAGS[@]}" ${extra[@]+"${extra[@]}"} >"$WORK/$name-access.log" 2>>"$WORK/$name.err" &
  PROXY_PID=$!
  SELF_ONLY=self
  PIDS+=("$PROXY_PID")
  wait_port "$port" || { echo "$name did not start:" >&2; head -3 "$WORK/$name.err" >&2; exit 1; }
}

# The app for `dyno up`: two web dynos, each an nginx-backend.sh on $PORT.
APP="$WORK/app"
mkdir -p "$APP"
cat >"$APP/web.sh" <<SH
#!/bin/sh
exec "$ROOT/benchmarks/load/nginx-backend.sh" "\$(pwd)/.nginx/\$DYNO" "\$PORT"
SH
chmod +x "$APP/web.sh"
echo "web: ./web.sh" >"$APP/Procfile"

start_dyno_up() { # threads
  local opts="${JAVA_OPTS:-}" up=0
  [[ -n "$HEAP" ]] && opts="-Xmx$HEAP $opts"
  dyno_flags "$1"
  # stdout: the app's log stream (the router's access lines among the rest), to a file
  env "DYNO_JAVA_OPTS=$opts" "$DYNO" up --dir "$APP" --port "$PORT_UP" --api-port "$PORT_UP_API" --formation web=2 \
    --no-color "${DYNO_FLAGS[@]}" >"$WORK/dyno-up-access.log" 2>>"$WORK/dyno-up.err" &
  PROXY_PID=$!
  SELF_ONLY=self # the daemon JVM only: its children are the nginx dynos
  PIDS+=("$PROXY_PID")
  for _ in $(seq 1 150); do
    up=$("$DYNO" ps --dir "$APP" 2>/dev/null | grep -c ": up " || true)
    [[ "$up" -ge 2 ]] && break
    sleep 0.2
  done
  [[ "$up" -ge 2 ]] || { echo "dyno up: the web dynos did not come up; see $WORK/dyno-up*.log (KEEP=1)" >&2; exit 1; }
  wait_port "$PORT_UP" || { echo "dyno up did not start:" >&2; head -3 "$WORK/dyno-up.err" >&2; exit 1; }
}

start_haproxy() { # threads
  write_haproxy_cfg "$WORK/haproxy-$1.cfg" "$1" "$PORT_HAPROXY" "$ACCESS_LOG" "$MAXCONN" \
    "127.0.0.1:$BACKEND_A" "127.0.0.1:$BACKEND_B"
  haproxy -db -f "$WORK/haproxy-$1.cfg" >"$WORK/haproxy-access.log" 2>>"$WORK/haproxy.err" &
  PROXY_PID=$!
  SELF_ONLY=""
  PIDS+=("$PROXY_PID")
  wait_port "$PORT_HAPROXY"
}

start_nginx() { # workers
  local dir="$WORK/proxy-nginx-$1"
  write_nginx_proxy_conf "$dir" "$1" "$PORT_NGINX" "$ACCESS_LOG" "$MAXCONN" \
    "127.0.0.1:$BACKEND_A" "127.0.0.1:$BACKEND_B"
  nginx -p "$dir" -c "$dir/nginx.conf" -g 'daemon off;' 2>>"$WORK/nginx.err" &
  PROXY_PID=$!
  SELF_ONLY="" # the master and its workers
  PIDS+=("$PROXY_PID")
  wait_port "$PORT_NGINX"
}

start_proxy() { # name threads
  case "$1" in
    dyno) start_dyno "$2" ;;
    dyno-up) start_dyno_up "$2" ;;
    haproxy) start_haproxy "$2" ;;
    nginx) start_nginx "$2" ;;
    base) start_dyno "$2" "$BASE_JAR" "$PORT_BASE" base ;;
    *) echo "--proxies: unknown proxy $1 (expected: dyno, dyno-up, haproxy, nginx, base)" >&2; exit 2 ;;
  esac
}

port_of() {
  case "$1" in
    dyno) echo "$PORT_DYNO" ;; dyno-up) echo "$PORT_UP" ;; haproxy) echo "$PORT_HAPROXY" ;;
    nginx) echo "$PORT_NGINX" ;; base) echo "$PORT_BASE" ;;
  esac
}

run_wrk() { # proxy threads round seconds record|skip
  local out="$WORK/wrk-$1-$2-$3.txt" pid="${PID_OF[$1]}" self="${SELF_OF[$1]}" t0 t1
  t0=$(cpu_ticks "$pid" $self)
  timeout $(($4 + 30)) wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"$4s" --latency -s "$WORK/p999.lua" \
    "http://127.0.0.1:$(port_of "$1")/" >"$out" 2>&1 || true
  t1=$(cpu_ticks "$pid" $self)
  [[ "$5" == record ]] || return 0
  local rps p50 p99 p999 non2xx sockerr n cpu
  rps=$(awk '/^Requests\/sec:/ { print $2 }' "$out"); rps=${rps:-0}
  p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' "$out")")
  p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$out")")
  p999=$(awk '$1 == "p99.9" { printf "%.3f", $2 / 1000 }' "$out")
  non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$out"); non2xx=${non2xx:-0}
  sockerr=$(awk '/Socket errors:/ { gsub(",", ""); print $4 + $6 + $8 + $10 }' "$out"); sockerr=${sockerr:-0}
  n=$(awk '/requests in/ { print $1 }' "$out")
  # CPU seconds per 100k requests; ticks are 1/100 s (USER_HZ)
  cpu=$(awk -v a="$t0" -v b="$t1" -v n="${n:-0}" 'BEGIN { printf "%.3f", (n > 0 ? (b - a) / 100 * 100000 / n : 0) }')
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$2" "$1" "$3" "$rps" "$p50" "$p99" "${p999:-0}" \
    $((non2xx + sockerr)) "$cpu" >>"$WORK/results.tsv"
  printf '  %-8s threads=%s round=%s  %10s req/s  p50 %7s  p99 %7s  p99.9 %7s ms  errors %s  cpu %s s/100k\n' \
    "$1" "$2" "$3" "$rps" "$p50" "$p99" "${p999:-?}" $((non2xx + sockerr)) "$cpu" >&2
}

# Memory per idle client connection: RSS with IDLE_CONNS keep-alive clients open (one request
# answered on each, then held IDLE_HOLD s) minus RSS just before they opened.
measure_idle() { # proxy threads
  local pid="${PID_OF[$1]}" self="${SELF_OF[$1]}" before after ready="" ok failed cpid
  before=$(rss_kib "$pid" $self)
  rm -f "$WORK/idle.in" "$WORK/idle.out"
  mkfifo "$WORK/idle.in"
  timeout 120 python3 "$ROOT/benchmarks/load/idle-conns.py" --port "$(port_of "$1")" --n "$IDLE_CONNS" \
    --hold "$IDLE_HOLD" <"$WORK/idle.in" >"$WORK/idle.out" 2>>"$WORK/idle.err" &
  cpid=$!
  PIDS+=("$cpid")
  exec 7>"$WORK/idle.in" # held open: the client closes its connections at EOF
  for _ in $(seq 1 900); do
    ready=$(awk '$1 == "ready"' "$WORK/idle.out")
    [[ -n "$ready" ]] && break
    kill -0 "$cpid" 2>/dev/null || break
    sleep 0.1
  done
  after=$(rss_kib "$pid" $self)
  exec 7>&-
  stop_pid "$cpid"
  read -r _ ok failed <<<"${ready:-ready 0 $IDLE_CONNS}"
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$2" "$1" "$before" "$after" "$ok" "$failed" >>"$WORK/idle.tsv"
  printf '  %-8s threads=%s idle: RSS %s -> %s KiB with %s connections open (%s failed)\n' \
    "$1" "$2" "$before" "$after" "$ok" "$failed" >&2
  sleep 2 # let the proxy see the closes before the next one is measured
}

PROXIES=(dyno dyno-up haproxy nginx)
[[ -n "${BASE_JAR:-}" ]] && PROXIES+=(base)
[[ -n "$ONLY" ]] && IFS=, read -r -a PROXIES <<<"$ONLY"
echo "$("$DYNO" --version), $(haproxy -v | head -1 | awk '{ print "HAProxy", $3 }'), $(nginx -v 2>&1 | sed 's/.*: //');" \
  "backends 127.0.0.1:$BACKEND_A, :$BACKEND_B; wrk -t$WRK_THREADS -c$CONNECTIONS -d${DURATION}s; rounds $ROUNDS ($ORDER);" \
  "access log $ACCESS_LOG; Dyno heap ${HEAP:-default}; idle connections $IDLE_CONNS" >&2
start_backend "$BACKEND_A"
start_backend "$BACKEND_B"
: >"$WORK/results.tsv"
: >"$WORK/idle.tsv"
for threads in $THREADS_LIST; do
  # All run at once (idle ones cost nothing) so that rounds can alternate without restarts.
  declare -A PID_OF=() SELF_OF=()
  for p in "${PROXIES[@]}"; do
    start_proxy "$p" "$threads"
    PID_OF[$p]=$PROXY_PID
    SELF_OF[$p]=$SELF_ONLY
  done
  echo "threads=$threads: warm-up ${WARMUP}s each" >&2
  for p in "${PROXIES[@]}"; do run_wrk "$p" "$threads" 0 "$WARMUP" skip; done
  for round in $(seq 1 "$ROUNDS"); do
    # --order abba reverses every other round, so that no proxy always runs first or last.
    order=("${PROXIES[@]}")
    if [[ "$ORDER" == abba && $((round % 2)) -eq 0 ]]; then
      order=(); for ((i = ${#PROXIES[@]} - 1; i >= 0; i--)); do order+=("${PROXIES[i]}"); done
    fi
    for p in "${order[@]}"; do run_wrk "$p" "$threads" "$round" "$DURATION" record; done
  done
  if (( IDLE_CONNS > 0 )); then
    for p in "${PROXIES[@]}"; do measure_idle "$p" "$threads"; done
  fi
  for p in "${PROXIES[@]}"; do stop_pid "${PID_OF[$p]}"; done
  unset PID_OF SELF_OF
done

# ---- one table: medians over rounds; memory per idle connection; ratios against Dyno ----
echo
echo "| threads | proxy | req/s (median) | p50 ms | p99 ms | p99.9 ms | errors | CPU s / 100k req | KiB / idle conn | Dyno/this req/s |"
echo "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
awk -F'\t' -v names_list="${PROXIES[*]}" -v idle_n="$IDLE_CONNS" '
  function median(list,   n, a, i, j, t) {
    n = split(list, a, " ")
    for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] + 0 > t + 0; j--) a[j + 1] = a[j]; a[j + 1] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  FILENAME ~ /idle.tsv$/ { k = $1 SUBSEP $2
    mem[k] = ($6 > 0 ? sprintf("%.1f (%d of %d failed)", ($4 - $3) / ($5 > 0 ? $5 : 1), $6, idle_n) \
                     : sprintf("%.1f", ($4 - $3) / $5)); next }
  { k = $1 SUBSEP $2; rps[k] = rps[k] " " $4; p50[k] = p50[k] " " $5; p99[k] = p99[k] " " $6
    p999[k] = p999[k] " " $7; err[k] += $8; cpu[k] = cpu[k] " " $9
    if (!(($1) in seen)) { seen[$1] = 1; order[++nt] = $1 } }
  END {
    np = split(names_list, names, " ")
    for (t = 1; t <= nt; t++) {
      th = order[t]; d = median(rps[th SUBSEP "dyno"])
      for (i = 1; i <= np; i++) {
        k = th SUBSEP names[i]; r = median(rps[k])
        printf "| %s | %s | %.0f | %.3f | %.3f | %.3f | %d | %.3f | %s | %s |\n", th, names[i], r, median(p50[k]),
          median(p99[k]), median(p999[k]), err[k], median(cpu[k]), ((k in mem) ? mem[k] : "-"),
          (names[i] == "dyno" || d + 0 == 0 || r == 0 ? "-" : sprintf("%.2f", d / r))
      }
    }
  }' "$WORK/idle.tsv" "$WORK/results.tsv"
