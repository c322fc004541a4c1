#!/bin/sh
# A fast backend for the load harnesses: nginx with one worker answering "Hello, world!\n" (14 bytes)
# on 127.0.0.1:PORT, no access log, keep-alive kept open. Runs in the foreground (exec).
#
#   benchmarks/load/nginx-backend.sh DIR PORT     # DIR receives nginx.conf, logs/, tmp/
set -eu
[ $# -eq 2 ] || { echo "usage: $0 DIR PORT" >&2; exit 2; }
d="$1"; port="$2"
mkdir -p "$d/logs" "$d/tmp"
cat >"$d/nginx.conf" <<CONF
worker_processes 1;
pid $d/nginx.pid;
error_log $d/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $d/tmp/body; proxy_temp_path $d/tmp/proxy;
  fastcgi_temp_path $d/tmp/fcgi; uwsgi_temp_path $d/tmp/uwsgi; scgi_temp_path $d/tmp/scgi;
  keepalive_requests 10000000;
  keepalive_timeout 120s;
  server {
    listen 127.0.0.1:$port;
    location / { default_type text/plain; return 200 "Hello, world!\n"; }
  }
}
CONF
PATH="$PATH:/usr/sbin"
exec nginx -p "$d" -c "$d/nginx.conf" -g 'daemon off;'
