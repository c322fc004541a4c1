# Shared by the load harnesses; sourced, not run.

# install_missing CMD=PACKAGE ...: installs from Debian's packages those whose command is missing.
install_missing() {
  local missing=() pair cmd
  for pair in "$@"; do
    cmd="${pair%%=*}"
    command -v "$cmd" >/dev/null || [[ -x "/usr/sbin/$cmd" ]] || missing+=("${pair#*=}")
  done
  if [[ ${#missing[@]} -gt 0 ]]; then
    local sudo=""
    [[ $(id -u) -ne 0 ]] && sudo=sudo
    echo "installing ${missing[*]} from Debian packages" >&2
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  export PATH="$PATH:/usr/sbin"
}

# AWK_MEDIAN: an awk function median(a, k) of a[1..k] (sorts a), for the scripts' summary tables:
#   awk "$AWK_MEDIAN"' $1 == "x" {v[++k] = $3} END {print median(v, k)}' FILE
AWK_MEDIAN='function median(a, k,   i, j, t) { for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
  return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2 }'

# wait_port PORT: returns once something accepts on 127.0.0.1:PORT (at most 10 s).
wait_port() {
  for _ in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "nothing listens on 127.0.0.1:$1" >&2
  return 1
}

# start_workspace NAME: a temp dir in $WORK and the list $PIDS of processes to stop; on any exit
# they are killed and waited for, and $WORK removed (KEEP=1 keeps it).
start_workspace() {
  WORK="$(mktemp -d "/tmp/$1.XXXXXX")"
  PIDS=()
  trap cleanup_workspace EXIT
  trap 'exit 130' INT TERM
}

cleanup_workspace() {
  local pid
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  if [[ "${KEEP:-0}" == 1 ]]; then echo "kept $WORK" >&2; else rm -rf "$WORK"; fi
}

# wrk prints latencies as 850.00us / 1.23ms / 1.02s: to_ms VALUE prints milliseconds.
to_ms() {
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0;
    else if (v ~ /m$/) n *= 60000; else if (v ~ /s$/) n *= 1000; printf "%.3f", n }'
}

# proc_tree PID [self]: PID and its children (nginx's workers); with "self", PID alone (a
# `dyno up` daemon, whose children are the dynos, not the router).
proc_tree() {
  echo "$1"
  [[ "${2:-}" == self ]] || ps -o pid= --ppid "$1" 2>/dev/null || true
}

# cpu_ticks PID [self]: user + system CPU ticks (1/100 s) of proc_tree, from /proc/PID/stat.
cpu_ticks() {
  local total=0 p t
  for p in $(proc_tree "$@"); do
    t=$(awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null) && total=$((total + t))
  done
  echo "$total"
}

# rss_kib PID [self]: resident memory (VmRSS, KiB) of proc_tree, from /proc/PID/status.
rss_kib() {
  local total=0 p t
  for p in $(proc_tree "$@"); do
    t=$(awk '/^VmRSS:/ { print $2 }' "/proc/$p/status" 2>/dev/null) && total=$((total + ${t:-0}))
  done
  echo "$total"
}

# write_wrk_p999 FILE: a wrk script whose done() prints "p99.9 MICROSECONDS".
write_wrk_p999() {
  cat >"$1" <<'LUA'
done = function(summary, latency, requests)
  io.write(string.format("p99.9 %d\n", latency:percentile(99.9)))
end
LUA
}

# write_haproxy_cfg FILE THREADS PORT LOG(on|off) MAXCONN BACKEND...: HAProxy as the router:
# round-robin, keep-alive to the backends, the forwarding headers Dyno adds, and with LOG=on one
# httplog line per request into an in-memory ring (its cheapest sink: `log stdout` costs a write()
# per request).
write_haproxy_cfg() {
  local file="$1" threads="$2" port="$3" log="$4" maxconn="$5" i=0 b
  shift 5
  {
    echo "global"
    echo "  nbthread $threads"
    echo "  maxconn $maxconn"
    [[ "$log" == on ]] && printf '  log ring@requests local0 info\nring requests\n  format raw\n  maxlen 1024\n  size 4194304\n'
    echo "defaults"
    echo "  mode http"
    [[ "$log" == on ]] && printf '  log global\n  option httplog\n'
    cat <<CONF
  option http-keep-alive
  timeout connect 5s
  timeout client 55s
  timeout server 30s
  timeout http-keep-alive 55s
frontend fe
  bind 127.0.0.1:$port
  maxconn $maxconn
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
CONF
    for b in "$@"; do i=$((i + 1)); echo "  server web.$i $b"; done
  } >"$file"
}

# write_nginx_proxy_conf DIR WORKERS PORT LOG(on|off) MAXCONN BACKEND...: nginx as the router, the
# same job as write_haproxy_cfg; with LOG=on one line per request through a 64 KiB buffer to a file.
write_nginx_proxy_conf() {
  local dir="$1" workers="$2" port="$3" log="$4" maxconn="$5" b access="access_log off;"
  shift 5
  mkdir -p "$dir/logs" "$dir/tmp"
  [[ "$log" == on ]] && access="access_log $dir/logs/access.log router buffer=64k flush=1s;"
  {
    cat <<CONF
worker_processes $workers;
worker_rlimit_nofile $((2 * maxconn + 64));
pid $dir/nginx.pid;
error_log $dir/logs/error.log warn;
events { worker_connections $maxconn; }
http {
  client_body_temp_path $dir/tmp/body; proxy_temp_path $dir/tmp/proxy;
  fastcgi_temp_path $dir/tmp/fcgi; uwsgi_temp_path $dir/tmp/uwsgi; scgi_temp_path $dir/tmp/scgi;
  log_format router 'method=\$request_method path="\$request_uri" host=\$host request_id=\$request_id '
                    'fwd="\$proxy_add_x_forwarded_for" dyno=\$upstream_addr connect=\$upstream_connect_time '
                    'service=\$upstream_response_time status=\$status bytes=\$body_bytes_sent';
  $access
  keepalive_requests 10000000;
  keepalive_timeout 55s;
  upstream dynos {
CONF
    for b in "$@"; do echo "    server $b;"; done
    cat <<CONF
    keepalive 64;
    keepalive_requests 10000000;
  }
  server {
    listen 127.0.0.1:$port;
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
  } >"$dir/nginx.conf"
}
