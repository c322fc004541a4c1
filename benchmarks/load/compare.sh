#!/usr/bin/env bash
# Compares Dyno's router with HAProxy and nginx as reverse proxies in front of the same two nginx
# backends, on 127.0.0.1 only, with wrk. See benchmarks/README.md and docs/performance.md.
#
#   benchmarks/load/compare.sh                       # 1 then 2 worker threads, 3 rounds of 10 s
#   benchmarks/load/compare.sh --heap 64m            # the router's heap capped (-Xmx64m)
#   benchmarks/load/compare.sh --threads 2 --rounds 5 --duration 15 --access-log off
#   BASE_JAR=/tmp/old-microbenchmarks.jar benchmarks/load/compare.sh   # adds "base": another build of Dyno
#   BASE_JAR=... benchmarks/load/compare.sh --proxies dyno,base --order abba   # A/B only, order A B B A
#
# Environment: CONNECTIONS (64), WRK_THREADS (1), WARMUP (10 s), BASE_PORT (18080),
# ROUTER_JAR (benchmarks/target/microbenchmarks.jar), BASE_JAR (none), JAVA (java), JAVA_OPTS (extra router JVM flags),
# KEEP (1: keep the temp dir with configs and logs).
set -euo pipefail

THREADS_LIST="1 2"
ROUNDS=3
DURATION=10
HEAP=""
ACCESS_LOG=async
ONLY=""
ORDER=same
while [[ $# -gt 0 ]]; do
  case "$1" in
    --threads) THREADS_LIST="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    --duration) DURATION="$2"; shift 2 ;;
    --heap) HEAP="$2"; shift 2 ;;
    --access-log) ACCESS_LOG="$2"; shift 2 ;;
    --proxies) ONLY="$2"; shift 2 ;;
    --order) ORDER="$2"; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
  esac
done
CONNECTIONS="${CONNECTIONS:-64}"
WRK_THREADS="${WRK_THREADS:-1}"
WARMUP="${WARMUP:-10}"
BASE_PORT="${BASE_PORT:-18080}"
JAVA="${JAVA:-java}"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
ROUTER_JAR="${ROUTER_JAR:-$ROOT/benchmarks/target/microbenchmarks.jar}"

BACKEND_A=$((BASE_PORT + 1))
BACKEND_B=$((BASE_PORT + 2))
PORT_DYNO=$((BASE_PORT + 10))
PORT_HAPROXY=$((BASE_PORT + 11))
PORT_NGINX=$((BASE_PORT + 12))
PORT_BASE=$((BASE_PORT + 13))

# ---- tools ----
# shellcheck source=lib.sh
source "$ROOT/benchmarks/load/lib.sh"
install_missing wrk=wrk nginx=nginx-light haproxy=haproxy
if [[ ! -f "$ROUTER_JAR" ]]; then
  echo "missing $ROUTER_JAR: build it with  mvn -B -ntp -q -pl benchmarks -am package -DskipTests" >&2
  exit 1
fi

# ---- processes we start, stopped on any exit ----
start_workspace dyno-compare

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

# ---- the three proxies; each adds X-Forwarded-For/-Proto/-Port, X-Request-Start, X-Request-Id, Via,
# ---- keeps connections to the backends alive and formats one log line per request: Dyno hands it to
# ---- its writer thread (file), nginx buffers 64 KiB (file), HAProxy keeps it in an in-memory ring
# ---- (its cheapest; logging to stdout would cost it a write() per request) ----
start_dyno() { # threads [jar port name] -> sets PROXY_PID
  local heap=() jar="${2:-$ROUTER_JAR}" port="${3:-$PORT_DYNO}" name="${4:-dyno}"
  [[ -n "$HEAP" ]] && heap=("-Xmx$HEAP")
  # shellcheck disable=SC2086
  "$JAVA" "${heap[@]}" ${JAVA_OPTS:-} -cp "$jar" dyno.benchmarks.RouterMain --port "$port" \
    --backend "127.0.0.1:$BACKEND_A" --backend "127.0.0.1:$BACKEND_B" --threads "$1" --access-log "$ACCESS_LOG" \
    >"$WORK/$name-access.log" 2>>"$WORK/$name.err" &
  PROXY_PID=$!
  PIDS+=("$PROXY_PID")
  wait_port "$port"
}

start_haproxy() { # threads
  local cfg="$WORK/haproxy-$1.cfg"
  cat >"$cfg" <<CONF
global
  nbthread $1
  maxconn 4096
  log ring@requests local0 info
ring requests
  format raw
  maxlen 1024
  size 4194304
defaults
  mode http
  log global
  option httplog
  option http-keep-alive
  timeout connect 5s
  timeout client 55s
  timeout server 30s
  timeout http-keep-alive 55s
frontend fe
  bind 127.0.0.1:$PORT_HAPROXY
  option forwardfor
  http-request set-header X-Forwarded-Proto http
  http-request set-header X-Forwarded-Port %[dst_port]
  http-request set-header X-Request-Start %[date(0,ms)]
  http-request set-header X-Request-Id %[uuid]
  http-request add-header Via "1.1 haproxy"
  default_backend dynos
backend dynos
  balance roundrobin
  http-reuse always
  server web.1 127.0.0.1:$BACKEND_A
  server web.2 127.0.0.1:$BACKEND_B
CONF
  haproxy -db -f "$cfg" >"$WORK/haproxy-access.log" 2>>"$WORK/haproxy.err" &
  PROXY_PID=$!
  PIDS+=("$PROXY_PID")
  wait_port "$PORT_HAPROXY"
}

start_nginx() { # workers
  local dir="$WORK/proxy-nginx-$1"
  mkdir -p "$dir/logs" "$dir/tmp"
  cat >"$dir/nginx.conf" <<CONF
worker_processes $1;
pid $dir/nginx.pid;
error_log $dir/logs/error.log warn;
events { worker_connections 4096; }
http {
  client_body_temp_path $dir/tmp/body; proxy_temp_path $dir/tmp/proxy;
  fastcgi_temp_path $dir/tmp/fcgi; uwsgi_temp_path $dir/tmp/uwsgi; scgi_temp_path $dir/tmp/scgi;
  log_format router 'method=\$request_method path="\$request_uri" host=\$host request_id=\$request_id '
                    'fwd="\$proxy_add_x_forwarded_for" dyno=\$upstream_addr connect=\$upstream_connect_time '
                    'service=\$upstream_response_time status=\$status bytes=\$body_bytes_sent';
  access_log $dir/logs/access.log router buffer=64k flush=1s;
  keepalive_requests 10000000;
  keepalive_timeout 55s;
  upstream dynos {
    server 127.0.0.1:$BACKEND_A;
    server 127.0.0.1:$BACKEND_B;
    keepalive 64;
    keepalive_requests 10000000;
  }
  server {
    listen 127.0.0.1:$PORT_NGINX;
    location / {
      proxy_pass http://dynos;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$http_host;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto \$scheme;
      proxy_set_header X-Forwarded-Port \$server_port;
      proxy_set_header X-Request-Start \$msec;
      proxy_set_header X-Request-Id \$request_id;
      proxy_set_header Via "1.1 nginx";
      proxy_buffering on;
    }
  }
}
CONF
  nginx -p "$dir" -c "$dir/nginx.conf" -g 'daemon off;' &
  PROXY_PID=$!
  PIDS+=("$PROXY_PID")
  wait_port "$PORT_NGINX"
}

port_of() { case "$1" in dyno) echo "$PORT_DYNO" ;; haproxy) echo "$PORT_HAPROXY" ;; nginx) echo "$PORT_NGINX" ;; base) echo "$PORT_BASE" ;; esac; }

# wrk prints latencies as 850.00us / 1.23ms / 1.02s: in ms.
to_ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /m$/) n *= 60000; else if (v ~ /s$/) n *= 1000; printf "%.3f", n }'; }

# CPU ticks (user + system) of a process and its children (nginx's workers), from /proc.
cpu_ticks() { # pid
  local total=0 p t
  for p in "$1" $(ps -o pid= --ppid "$1" 2>/dev/null); do
    t=$(awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null) && total=$((total + t))
  done
  echo "$total"
}

run_wrk() { # proxy threads round seconds record
  local out="$WORK/wrk-$1-$2-$3.txt" pid="${PID_OF[$1]:-}" t0=0 t1=0
  [[ -n "$pid" ]] && t0=$(cpu_ticks "$pid")
  wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"$4s" --latency "http://127.0.0.1:$(port_of "$1")/" >"$out" 2>&1
  [[ -n "$pid" ]] && t1=$(cpu_ticks "$pid")
  [[ "$5" == record ]] || return 0
  local rps p50 p99 non2xx sockerr n cpu
  rps=$(awk '/^Requests\/sec:/ { print $2 }' "$out")
  p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' "$out")")
  p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$out")")
  non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$out"); non2xx=${non2xx:-0}
  sockerr=$(awk '/Socket errors:/ { gsub(",", ""); print $4 + $6 + $8 + $10 }' "$out"); sockerr=${sockerr:-0}
  n=$(awk '/requests in/ { print $1 }' "$out")
  # CPU microseconds per request of the proxy's processes; ticks are 1/100 s (USER_HZ)
  cpu=$(awk -v a="$t0" -v b="$t1" -v n="${n:-0}" 'BEGIN { printf "%.2f", (n > 0 ? (b - a) * 10000 / n : 0) }')
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$2" "$1" "$3" "$rps" "$p50" "$p99" $((non2xx + sockerr)) "$cpu" \
    >>"$WORK/results.tsv"
  printf '  %-8s threads=%s round=%s  %10s req/s  p50 %7s ms  p99 %7s ms  errors %s  cpu %s us/req\n' \
    "$1" "$2" "$3" "$rps" "$p50" "$p99" $((non2xx + sockerr)) "$cpu" >&2
}

start_proxy() {
  case "$1" in
    dyno) start_dyno "$2" ;; haproxy) start_haproxy "$2" ;; nginx) start_nginx "$2" ;;
    base) start_dyno "$2" "$BASE_JAR" "$PORT_BASE" base ;;
  esac
}

echo "backends 127.0.0.1:$BACKEND_A, :$BACKEND_B; wrk -t$WRK_THREADS -c$CONNECTIONS -d${DURATION}s;" \
  "rounds $ROUNDS; router heap ${HEAP:-default}; router access log $ACCESS_LOG" >&2
start_backend "$BACKEND_A"
start_backend "$BACKEND_B"
: >"$WORK/results.tsv"
PROXIES=(dyno haproxy nginx)
if [[ -n "${BASE_JAR:-}" ]]; then
  [[ -f "$BASE_JAR" ]] || { echo "missing BASE_JAR $BASE_JAR" >&2; exit 1; }
  PROXIES+=(base)
fi
if [[ -n "$ONLY" ]]; then
  IFS=, read -r -a PROXIES <<<"$ONLY"
fi
for threads in $THREADS_LIST; do
  # All three run at once (idle ones cost nothing) so each round can alternate without restarts.
  declare -A PID_OF=()
  for p in "${PROXIES[@]}"; do
    start_proxy "$p" "$threads"
    PID_OF[$p]=$PROXY_PID
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
  for p in "${PROXIES[@]}"; do stop_pid "${PID_OF[$p]}"; done
  unset PID_OF
done

# ---- one table: medians over rounds, ratios against Dyno ----
echo
echo "| threads | proxy | req/s (median) | p50 ms | p99 ms | CPU us/req | errors | Dyno/this req/s |"
echo "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |"
awk -F'\t' -v names_list="${PROXIES[*]}" '
  function median(list,   n, a, i, j, t) {
    n = split(list, a, " ")
    for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] + 0 > t + 0; j--) a[j + 1] = a[j]; a[j + 1] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  { k = $1 SUBSEP $2; rps[k] = rps[k] " " $4; p50[k] = p50[k] " " $5; p99[k] = p99[k] " " $6; err[k] += $7
    cpu[k] = cpu[k] " " $8
    if (!(($1) in seen)) { seen[$1] = 1; order[++nt] = $1 } }
  END {
    np = split(names_list, names, " ")
    for (t = 1; t <= nt; t++) {
      th = order[t]; d = median(rps[th SUBSEP "dyno"])
      for (i = 1; i <= np; i++) {
        k = th SUBSEP names[i]; r = median(rps[k])
        printf "| %s | %s | %.0f | %.3f | %.3f | %.2f | %d | %s |\n", th, names[i], r, median(p50[k]), median(p99[k]),
          median(cpu[k]), err[k],
          (names[i] == "dyno" ? "-" : sprintf("%.2f", d / r))
      }
    }
  }' "$WORK/results.tsv"
if [[ "$ACCESS_LOG" == async && -s "$WORK/dyno.err" ]]; then
  grep -h "access lines" "$WORK/dyno.err" | sed 's/^/router: /' >&2 || true
fi
