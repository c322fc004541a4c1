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
