#!/usr/bin/env bash
# An app without TCP_NODELAY behind each proxy: Python's http.server (HTTP/1.1 keep-alive, head and
# body in two send()s, py-backend.py) behind `./dyno router` on io_uring and on epoll, HAProxy and
# nginx, and wrk straight at the app, on 127.0.0.1 only. Shows the Nagle / delayed-ACK stall on
# reused connections and what TCP_QUICKACK on the router's dyno sockets does. See docs/performance.md.
#
#   benchmarks/load/quickack.sh                                  # 3 rounds of 10 s, wrk -c8, A B C.. C B A
#   BASE_JAR=/tmp/before/dyno.jar benchmarks/load/quickack.sh    # adds base and base-epoll: another build
#   benchmarks/load/quickack.sh --rounds 1 --duration 5 --proxies dyno,direct
#
# Options: --rounds 3, --duration 10 (s), --proxies dyno,dyno-epoll,haproxy,nginx,direct[,base,base-epoll].
# Environment: CONNECTIONS (8), WARMUP (5 s), BASE_PORT (18580), BASE_JAR, JAVA, KEEP (1: keep the temp dir).
set -euo pipefail

ROUNDS=3
DURATION=10
ONLY=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rounds) ROUNDS="$2"; shift 2 ;;
    --duration) DURATION="$2"; shift 2 ;;
    --proxies) ONLY="$2"; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
  esac
done
CONNECTIONS="${CONNECTIONS:-8}"
WARMUP="${WARMUP:-5}"
BASE_PORT="${BASE_PORT:-18580}"
JAVA="${JAVA:-java}"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
DYNO="$ROOT/dyno"
PORT_APP=$((BASE_PORT + 1))

# shellcheck source=lib.sh
source "$ROOT/benchmarks/load/lib.sh"
install_missing wrk=wrk nginx=nginx-light haproxy=haproxy python3=python3
"$DYNO" --version >/dev/null # builds platform/target/dyno.jar if a source changed
[[ -z "${BASE_JAR:-}" || -f "$BASE_JAR" ]] || { echo "missing BASE_JAR $BASE_JAR" >&2; exit 1; }
start_workspace dyno-quickack

PROXIES=(dyno dyno-epoll haproxy nginx direct)
[[ -n "${BASE_JAR:-}" ]] && PROXIES+=(base base-epoll)
[[ -n "$ONLY" ]] && IFS=, read -r -a PROXIES <<<"$ONLY"
declare -A PORT_OF=()
port=$((BASE_PORT + 10))
for p in "${PROXIES[@]}"; do PORT_OF[$p]=$port; port=$((port + 1)); done
PORT_OF[direct]=$PORT_APP

python3 "$ROOT/benchmarks/load/py-backend.py" "$PORT_APP" 2>"$WORK/app.err" &
PIDS+=($!)
wait_port "$PORT_APP"

start_proxy() { # name
  local port="${PORT_OF[$1]}"
  case "$1" in
    dyno|dyno-epoll|base|base-epoll)
      local opts="" cmd=(env "DYNO_JAVA_OPTS=" "$DYNO")
      [[ "$1" == *-epoll ]] && opts="-Ddyno.transport=epoll"
      [[ "$1" == dyno* ]] && cmd=(env "DYNO_JAVA_OPTS=$opts" "$DYNO")
      # shellcheck disable=SC2206
      [[ "$1" == base* ]] && cmd=("$JAVA" $opts -jar "$BASE_JAR")
      "${cmd[@]}" router --threads 1 --port "$port" --backend "127.0.0.1:$PORT_APP" \
        >"$WORK/$1-access.log" 2>>"$WORK/$1.err" & ;;
    haproxy)
      write_haproxy_cfg "$WORK/haproxy.cfg" 1 "$port" on 1000 "127.0.0.1:$PORT_APP"
      haproxy -db -f "$WORK/haproxy.cfg" >"$WORK/haproxy-access.log" 2>>"$WORK/haproxy.err" & ;;
    nginx)
      write_nginx_proxy_conf "$WORK/nginx" 1 "$port" on 1000 "127.0.0.1:$PORT_APP"
      nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -g 'daemon off;' 2>>"$WORK/nginx.err" & ;;
    direct) return 0 ;;
    *) echo "--proxies: unknown $1" >&2; exit 2 ;;
  esac
  PIDS+=($!)
  wait_port "$port"
}

run_wrk() { # name round seconds record|skip
  local out="$WORK/wrk-$1-$2.txt"
  timeout $(($3 + 30)) wrk -t1 -c"$CONNECTIONS" -d"$3s" --latency "http://127.0.0.1:${PORT_OF[$1]}/" >"$out" 2>&1 || true
  [[ "$4" == record ]] || return 0
  local rps p50 p99 errors
  rps=$(awk '/^Requests\/sec:/ { print $2 }' "$out")
  p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' "$out")")
  p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$out")")
  errors=$(awk '/Non-2xx or 3xx responses:/ { n += $NF } /Socket errors:/ { gsub(",", ""); n += $4 + $6 + $8 + $10 }
    END { print n + 0 }' "$out")
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "${rps:-0}" "$p50" "$p99" "$errors" >>"$WORK/results.tsv"
  printf '  %-10s round=%s  %9s req/s  p50 %8s ms  p99 %8s ms  errors %s\n' "$1" "$2" "$rps" "$p50" "$p99" "$errors" >&2
}

echo "python3 http.server on 127.0.0.1:$PORT_APP; wrk -t1 -c$CONNECTIONS -d${DURATION}s; $ROUNDS rounds, A B C.. C B A" >&2
for p in "${PROXIES[@]}"; do start_proxy "$p"; done
for p in "${PROXIES[@]}"; do run_wrk "$p" 0 "$WARMUP" skip; done
: >"$WORK/results.tsv"
for round in $(seq 1 "$ROUNDS"); do
  order=("${PROXIES[@]}")
  if (( round % 2 == 0 )); then
    order=(); for ((i = ${#PROXIES[@]} - 1; i >= 0; i--)); do order+=("${PROXIES[i]}"); done
  fi
  for p in "${order[@]}"; do run_wrk "$p" "$round" "$DURATION" record; done
done

echo
echo "| in front of python3 http.server | req/s (median) | p50 ms | p99 ms | errors |"
echo "| --- | ---: | ---: | ---: | ---: |"
awk -F'\t' -v names_list="${PROXIES[*]}" '
  function median(list,   n, a, i, j, t) {
    n = split(list, a, " ")
    for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] + 0 > t + 0; j--) a[j + 1] = a[j]; a[j + 1] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  { rps[$1] = rps[$1] " " $3; p50[$1] = p50[$1] " " $4; p99[$1] = p99[$1] " " $5; err[$1] += $6 }
  END {
    np = split(names_list, names, " ")
    for (i = 1; i <= np; i++) {
      k = names[i]
      printf "| %s | %.0f | %.3f | %.3f | %d |\n", k, median(rps[k]), median(p50[k]), median(p99[k]), err[k]
    }
  }' "$WORK/results.tsv"
