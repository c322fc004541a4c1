#!/usr/bin/env bash
# HTTPS (HTTP/1.1 and h2) through the Dyno router, HAProxy and nginx, with the same certificate
# (EC P-256) and the same nginx backend, on 127.0.0.1 only, with h2load; then TLS handshakes per
# second (openssl s_time -new). Rounds alternate the proxies' order (A B C, C B A, ...). See
# docs/performance.md.
#
#   benchmarks/load/compare-tls.sh                        # 1 thread, 2 rounds of 50000 requests a run
#   THREADS=2 ROUNDS=3 REQUESTS=100000 benchmarks/load/compare-tls.sh
#   DYNO="java -cp router/target/classes:$(cat cp.txt) dyno.router.cli.RouterCommand" benchmarks/load/compare-tls.sh
#
# Environment: THREADS (1: --threads / nbthread / worker_processes), ROUNDS (2), REQUESTS (50000 per run),
# H1_CONNS (64), H2_CONNS (16), H2_STREAMS (10 per connection), WARMUP (30000 requests), HANDSHAKE_SECS (5),
# BASE_PORT (19080), DYNO (the router command, default: ./dyno router), KEEP (1: keep the temp dir).
set -euo pipefail
THREADS="${THREADS:-1}"; ROUNDS="${ROUNDS:-2}"; REQUESTS="${REQUESTS:-50000}"
H1_CONNS="${H1_CONNS:-64}"; H2_CONNS="${H2_CONNS:-16}"; H2_STREAMS="${H2_STREAMS:-10}"
WARMUP="${WARMUP:-30000}"; HANDSHAKE_SECS="${HANDSHAKE_SECS:-5}"; BASE_PORT="${BASE_PORT:-19080}"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
DYNO="${DYNO:-$ROOT/dyno router}"
for tool in h2load haproxy nginx openssl; do
  command -v "$tool" >/dev/null || { echo "needs $tool (apt-get install nghttp2-client haproxy nginx-light openssl)" >&2; exit 1; }
done
BACKEND=$((BASE_PORT + 1)); P_DYNO=$((BASE_PORT + 10)); P_DYNO_PLAIN=$((BASE_PORT + 20))
P_HAPROXY=$((BASE_PORT + 11)); P_NGINX=$((BASE_PORT + 12))
work="$(mktemp -d)"; pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true
            [[ "${KEEP:-0}" == 1 ]] && echo "kept $work" >&2 || rm -rf "$work"; }
trap cleanup EXIT

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$work/key.pem" \
  -out "$work/cert.pem" -days 30 -subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1 2>/dev/null
cat "$work/cert.pem" "$work/key.pem" > "$work/combined.pem"

mkdir -p "$work/b" "$work/n"
cat > "$work/backend.conf" <<CONF
worker_processes 1; daemon off; pid $work/b/pid; error_log $work/b/error.log;
events { worker_connections 4096; }
http { access_log off; client_body_temp_path $work/b; proxy_temp_path $work/b; fastcgi_temp_path $work/b;
  uwsgi_temp_path $work/b; scgi_temp_path $work/b; keepalive_requests 1000000;
  server { listen 127.0.0.1:$BACKEND; location / { default_type text/plain; return 200 "Hello, world!"; } } }
CONF
cat > "$work/nginx.conf" <<CONF
worker_processes $THREADS; daemon off; pid $work/n/pid; error_log $work/n/error.log;
events { worker_connections 8192; }
http { access_log off; client_body_temp_path $work/n; proxy_temp_path $work/n; fastcgi_temp_path $work/n;
  uwsgi_temp_path $work/n; scgi_temp_path $work/n; keepalive_requests 1000000;
  upstream be { server 127.0.0.1:$BACKEND; keepalive 64; }
  server { listen 127.0.0.1:$P_NGINX ssl http2; ssl_certificate $work/cert.pem; ssl_certificate_key $work/key.pem;
    ssl_protocols TLSv1.2 TLSv1.3;
    location / { proxy_pass http://be; proxy_http_version 1.1; proxy_set_header Connection ""; } } }
CONF
cat > "$work/haproxy.cfg" <<CONF
global
  nbthread $THREADS
  maxconn 8000
defaults
  mode http
  timeout connect 5s
  timeout client 60s
  timeout server 60s
  http-reuse always
frontend fe
  bind 127.0.0.1:$P_HAPROXY ssl crt $work/combined.pem alpn h2,http/1.1 ssl-min-ver TLSv1.2
  default_backend be
backend be
  server s1 127.0.0.1:$BACKEND
CONF

nginx -c "$work/backend.conf" -p "$work/b" & pids+=($!)
nginx -c "$work/nginx.conf" -p "$work/n" & pids+=($!); PID_NGINX=$!
haproxy -f "$work/haproxy.cfg" -db >"$work/haproxy.log" 2>&1 & pids+=($!); PID_HAPROXY=$!
$DYNO --port "$P_DYNO_PLAIN" --tls-port "$P_DYNO" --tls-cert "$work/cert.pem" --tls-key "$work/key.pem" \
  --backend "127.0.0.1:$BACKEND" --threads "$THREADS" --access-log off >"$work/dyno.log" 2>&1 & pids+=($!); PID_DYNO=$!
for i in $(seq 1 100); do grep -q "listening on" "$work/dyno.log" && break; sleep 0.3; done
grep -q "listening on" "$work/dyno.log" || { cat "$work/dyno.log" >&2; exit 1; }
sleep 1

# CPU seconds (user + system) of a process and its children processes (nginx workers)
cpu() { local total=0 p t; for p in $1 $(pgrep -P "$1" || true); do
          t=$(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0); total=$((total + ${t:-0})); done
        echo $((total)); }   # clock ticks
hz=$(getconf CLK_TCK)
port_of() { case $1 in dyno) echo $P_DYNO;; haproxy) echo $P_HAPROXY;; nginx) echo $P_NGINX;; esac; }
pid_of() { case $1 in dyno) echo $PID_DYNO;; haproxy) echo $PID_HAPROXY;; nginx) echo $PID_NGINX;; esac; }

run() { # proxy mode round -> one line: proxy mode round req/s p50 p99 cpu_s_per_100k errors
  local proxy=$1 mode=$2 round=$3 port pid args out log c0 c1
  port=$(port_of "$proxy"); pid=$(pid_of "$proxy"); log="$work/$proxy-$mode-$round.log"
  if [[ $mode == h2 ]]; then args=(-c "$H2_CONNS" -m "$H2_STREAMS"); else args=(--h1 -c "$H1_CONNS"); fi
  c0=$(cpu "$pid")
  out=$(h2load -n "$REQUESTS" -t 1 "${args[@]}" --log-file="$log" "https://127.0.0.1:$port/")
  c1=$(cpu "$pid")
  local rps errs
  rps=$(awk '/^finished in/ {gsub(",",""); print $4}' <<<"$out")
  # failed, errored or timed out, and answers other than 2xx
  errs=$(awk -v n="$REQUESTS" '/^requests:/ {e = $10 + $12 + $14} /^status codes:/ {ok = $3} END {print e + n - ok}' <<<"$out")
  read -r p50 p99 < <(awk '{print $3}' "$log" | sort -n | awk '{a[NR]=$1} END {printf "%.2f %.2f\n", a[int(NR*0.5)]/1000, a[int(NR*0.99)]/1000}')
  printf "%-8s %-4s %s %10s %8s %8s %8.2f %s\n" "$proxy" "$mode" "$round" "$rps" "$p50" "$p99" \
    "$(echo "($c1 - $c0) / $hz * 100000 / $REQUESTS" | bc -l)" "$errs"
}

order=(dyno haproxy nginx)
for p in "${order[@]}"; do
  h2load -n "$WARMUP" -t 1 -c "$H2_CONNS" -m "$H2_STREAMS" "https://127.0.0.1:$(port_of "$p")/" >/dev/null
  h2load -n "$WARMUP" -t 1 --h1 -c "$H1_CONNS" "https://127.0.0.1:$(port_of "$p")/" >/dev/null
done
echo "threads=$THREADS requests=$REQUESTS h1: $H1_CONNS conns; h2: $H2_CONNS conns x $H2_STREAMS streams"
echo "proxy    mode round      req/s  p50(ms)  p99(ms) cpu_s/100k errors"
for r in $(seq 1 "$ROUNDS"); do
  if (( r % 2 == 0 )); then seq_=(nginx haproxy dyno); else seq_=(dyno haproxy nginx); fi
  for mode in h1 h2; do for p in "${seq_[@]}"; do run "$p" "$mode" "$r"; done; done
done
echo "handshakes (openssl s_time -new, ${HANDSHAKE_SECS}s, TLS 1.3, one client)"
for r in $(seq 1 "$ROUNDS"); do
  if (( r % 2 == 0 )); then seq_=(nginx haproxy dyno); else seq_=(dyno haproxy nginx); fi
  for p in "${seq_[@]}"; do
    n=$(openssl s_time -connect "127.0.0.1:$(port_of "$p")" -new -time "$HANDSHAKE_SECS" 2>/dev/null \
        | awk '/connections in .* real seconds/ {print $1 / $4}')
    printf "%-8s hs   %s %10.0f /s\n" "$p" "$r" "$n"
  done
done
