#!/usr/bin/env bash
# Runs the differential desync corpus (router/src/test/resources/desync/) against Dyno's router,
# HAProxy and nginx, each a reverse proxy with keep-alive to the same recording / scripted backend,
# all on 127.0.0.1, and prints one table with a column per proxy. See docs/reliability.md.
#
#   benchmarks/load/desync-compare.sh                    # the whole corpus
#   benchmarks/load/desync-compare.sh --reasons          # plus why each unsafe case is unsafe
#   benchmarks/load/desync-compare.sh --only rs-204-body,up-hixie76
#
# Environment: BASE_PORT (18490: backend; +1 HAProxy; +2 nginx), JAVA (java), JAVA_OPTS (e.g.
# -Ddesync.trace=true: what each client read and the backend saw, per case), KEEP (1: keep the temp
# dir with configs and logs).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BASE_PORT="${BASE_PORT:-18490}"
JAVA="${JAVA:-java}"
PORT_BACKEND="$BASE_PORT"
PORT_HAPROXY=$((BASE_PORT + 1))
PORT_NGINX=$((BASE_PORT + 2))

# shellcheck source=lib.sh
source "$ROOT/benchmarks/load/lib.sh"
install_missing haproxy=haproxy nginx=nginx-light mvn=maven

start_workspace dyno-desync

# ---- the harness: the router's test classes and their classpath ----
(cd "$ROOT" && mvn -B -ntp -q -pl router -am test-compile -DskipTests) >&2
(cd "$ROOT/router" && mvn -B -ntp -q dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$WORK/classpath.txt" >/dev/null)
CP="$ROOT/router/target/test-classes:$ROOT/router/target/classes:$(cat "$WORK/classpath.txt")"

# ---- HAProxy: one thread, keep-alive to the backend, default http-reuse (safe) ----
cat >"$WORK/haproxy.cfg" <<CONF
global
  nbthread 1
  maxconn 1024
defaults
  mode http
  option http-keep-alive
  timeout connect 5s
  timeout client 30s
  timeout server 30s
  timeout http-request 10s
  timeout http-keep-alive 30s
frontend fe
  bind 127.0.0.1:$PORT_HAPROXY
  option forwardfor
  default_backend dynos
backend dynos
  http-reuse safe
  server web.1 127.0.0.1:$PORT_BACKEND
CONF
haproxy -db -f "$WORK/haproxy.cfg" >"$WORK/haproxy.log" 2>&1 &
PIDS+=($!)

# ---- nginx: one worker, HTTP/1.1 keep-alive to the backend, WebSocket upgrades passed on ----
mkdir -p "$WORK/nginx/logs" "$WORK/nginx/tmp"
cat >"$WORK/nginx/nginx.conf" <<CONF
worker_processes 1;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/logs/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $WORK/nginx/tmp/body; proxy_temp_path $WORK/nginx/tmp/proxy;
  fastcgi_temp_path $WORK/nginx/tmp/fcgi; uwsgi_temp_path $WORK/nginx/tmp/uwsgi; scgi_temp_path $WORK/nginx/tmp/scgi;
  map \$http_upgrade \$connection_upgrade { default upgrade; '' ''; }
  upstream dynos {
    server 127.0.0.1:$PORT_BACKEND;
    keepalive 16;
  }
  server {
    listen 127.0.0.1:$PORT_NGINX;
    location / {
      proxy_pass http://dynos;
      proxy_http_version 1.1;
      proxy_set_header Host \$http_host;
      proxy_set_header Upgrade \$http_upgrade;
      proxy_set_header Connection \$connection_upgrade;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
    }
  }
}
CONF
nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -g 'daemon off;' &
PIDS+=($!)

wait_port "$PORT_HAPROXY"
wait_port "$PORT_NGINX"
echo "HAProxy $(haproxy -v | head -1 | awk '{print $3}'), $(nginx -v 2>&1 | sed 's/.*: //'); running the corpus (a few minutes)" >&2

# ---- the corpus: Dyno's router in the harness JVM, then HAProxy, then nginx ----
# shellcheck disable=SC2086
"$JAVA" ${JAVA_OPTS:-} -cp "$CP" dyno.router.desync.DesyncCompare --backend-port "$PORT_BACKEND" --dyno \
  --proxy "haproxy=$PORT_HAPROXY" --proxy "nginx=$PORT_NGINX" "$@"
