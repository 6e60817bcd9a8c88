#!/usr/bin/env bash
# Serves the dashboard to a team: N `streamlit run dashboard/app.py` replicas on 127.0.0.1
# behind Debian's nginx (deploy/nginx.conf.template: sticky sessions, websockets, gzip, cache
# and security headers). Needs no root; writes nothing outside its runtime dir.
#
#   scripts/serve.sh [--replicas N] [--port P] [--listen ADDR] [--replica-port Q]
#                    [--rundir DIR] [--detach] [--app SCRIPT]
#   scripts/serve.sh stop [--rundir DIR]
#
# nginx listens on ADDR:P (default 0.0.0.0:8080); the replicas on 127.0.0.1:Q … Q+N-1
# (default P+1 … P+N). In the foreground (the default, and the container's command) Ctrl-C or
# SIGTERM stops nginx and every replica; with --detach the script returns once the proxy
# answers and `scripts/serve.sh stop` stops them. Runtime files (rendered config, pid files,
# logs, nginx's temporary files) live in DIR (default: .serve/ in the project). Starting
# while DIR already serves does nothing; stopping when nothing runs does nothing. --app serves
# another Streamlit script the same way (benchmarks/lighthouse.py's bare page).
set -euo pipefail
CALLER=$PWD  # a relative --rundir is the caller's
cd "$(dirname "$0")/.."

replicas=2
port=8080
listen=0.0.0.0
replica_port=""
rundir=$PWD/.serve
detach=0
app=dashboard/app.py
action=start
if [ "${1:-}" = stop ]; then action=stop; shift; fi
while [ $# -gt 0 ]; do
  case "$1" in
    --replicas) replicas=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    --listen) listen=$2; shift 2 ;;
    --replica-port) replica_port=$2; shift 2 ;;
    --rundir) rundir=$2; shift 2 ;;
    --detach) detach=1; shift ;;
    --app) app=$2; shift 2 ;;
    -h | --help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "serve.sh: unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
case "$replicas$port${replica_port}" in
  *[!0-9]*) echo "serve.sh: --replicas, --port and --replica-port take numbers" >&2; exit 2 ;;
esac
[ "$replicas" -ge 1 ] || { echo "serve.sh: --replicas must be at least 1" >&2; exit 2; }
replica_port=${replica_port:-$((port + 1))}
case "$rundir" in /*) ;; *) rundir=$CALLER/$rundir ;; esac
mkdir -p "$rundir"
rundir=$(cd "$rundir" && pwd)  # absolute and clean: nginx -p and the pid files need it
# Where this script itself reaches nginx: the listen address, or loopback for "any address".
case "$listen" in 0.0.0.0 | "[::]" | "*") local_host=127.0.0.1 ;; *) local_host=$listen ;; esac

say() { echo "serve.sh: $*" >&2; }

# Is PID alive (not a zombie) and running a command line that contains WORD? A pid file can
# outlive its process and the number be reused: never signal a stranger.
ours() {
  local pid=$1 word=$2 state
  [ -r "/proc/$pid/cmdline" ] || return 1
  state=$(sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null | cut -c1) || return 1
  [ "$state" != Z ] || return 1
  # (it may exit while being read: then it is not ours any more)
  { tr '\0' ' ' <"/proc/$pid/cmdline"; } 2>/dev/null | grep -qF -- "$word"
}

# Stops what the pid files of this runtime dir name: nginx first (no new requests reach a
# replica that is going away), then the replicas. Each was started in its own session
# (setsid), so signalling its process group also stops anything it started (image export
# runs Chromium from a replica). TERM, then KILL after 10 s.
stop_all() {
  local f pid word pids=()
  for f in "$rundir/nginx.pid.serve" "$rundir"/replica-*.pid; do
    [ -f "$f" ] || continue
    pid=$(cat "$f")
    case "$f" in *nginx*) word=nginx ;; *) word=streamlit ;; esac
    if [ -n "$pid" ] && ours "$pid" "$word"; then
      kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
      pids+=("$pid:$word")
    fi
    rm -f "$f"
  done
  local deadline=$((SECONDS + 10)) left p
  while :; do
    left=()
    for p in "${pids[@]}"; do ours "${p%%:*}" "${p#*:}" && left+=("$p"); done
    [ ${#left[@]} -eq 0 ] && break
    if [ $SECONDS -ge $deadline ]; then
      for p in "${left[@]}"; do kill -KILL -- "-${p%%:*}" 2>/dev/null || true; done
      break
    fi
    sleep 0.2
  done
  # Reap them when they are our children (foreground): no zombie left behind.
  wait 2>/dev/null || true
  rm -f "$rundir/nginx.pid"
}

if [ "$action" = stop ]; then
  # Tells a foreground serve.sh on this dir that its processes exit because they were asked to.
  touch "$rundir/stopping"
  stop_all
  say "stopped (runtime dir $rundir)"
  exit 0
fi

# Installs nothing: say what is missing. /usr/sbin is not on a normal user's PATH on Debian.
NGINX=$(command -v nginx || true)
[ -n "$NGINX" ] || { [ -x /usr/sbin/nginx ] && NGINX=/usr/sbin/nginx; } || true
if [ -z "$NGINX" ]; then
  say "nginx is not installed: apt-get install nginx"
  exit 1
fi
if [ ! -x .venv/bin/streamlit ]; then
  say ".venv/bin/streamlit is missing: bash scripts/setup.sh"
  exit 1
fi
PY=.venv/bin/python

# Idempotent: a second start on the same runtime dir leaves the running one alone.
if [ -f "$rundir/nginx.pid.serve" ] && ours "$(cat "$rundir/nginx.pid.serve")" nginx; then
  say "already serving from $rundir (scripts/serve.sh stop --rundir $rundir to stop)"
  exit 0
fi
stop_all  # leftovers of a run that did not stop cleanly (a killed script, a reboot)
rm -f "$rundir/stopping"

# Bash alone (no curl in a slim image): is something listening on HOST:PORT?
in_use() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }
if in_use "$local_host" "$port"; then say "port $port is in use"; exit 1; fi
for p in $(seq "$replica_port" $((replica_port + replicas - 1))); do
  if in_use 127.0.0.1 "$p"; then say "port $p is in use"; exit 1; fi
done

mkdir -p "$rundir/logs" "$rundir/tmp"
# On any failure while starting (and on Ctrl-C or SIGTERM in the foreground), stop what has
# been started: no orphan replica is left listening.
stopping=0
cleanup() {
  [ "$stopping" = 1 ] && return
  stopping=1
  stop_all
}
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM
trap 'cleanup' EXIT

# One secret for every replica: Streamlit signs its XSRF cookie with it, so a browser moved
# to another replica (its own one failed) still has a valid cookie. In the environment, not
# on the command line, where `ps` would show it.
STREAMLIT_SERVER_COOKIE_SECRET=$("$PY" -c 'import secrets; print(secrets.token_hex(32))')
export STREAMLIT_SERVER_COOKIE_SECRET

# The same command as scripts/dashboard.sh (its options come from .streamlit/config.toml),
# bound to 127.0.0.1: only nginx is reachable from outside. Each in its own session, so a
# Ctrl-C in this terminal reaches only this script, which then stops them in order.
start_replica() {
  local i=$1 p=$((replica_port + $1 - 1))
  setsid .venv/bin/streamlit run "$app" --server.port "$p" \
    --server.address 127.0.0.1 --server.headless true \
    >>"$rundir/logs/replica-$i.log" 2>&1 </dev/null &
  echo $! >"$rundir/replica-$i.pid"
}
servers=""
for i in $(seq "$replicas"); do
  start_replica "$i"
  servers+="        server 127.0.0.1:$((replica_port + i - 1)) max_fails=3 fail_timeout=10s;"$'\n'
done

# Waits until every URL answers "ok" (60 s); gives up at once when a replica exits.
wait_ok() {
  "$PY" - "$rundir" "$@" <<'EOF'
import pathlib, sys, time, urllib.request
rundir, urls = pathlib.Path(sys.argv[1]), sys.argv[2:]
def dead():
    for f in [*rundir.glob("replica-*.pid"), rundir / "nginx.pid.serve"]:
        if not f.exists():
            continue
        stat = pathlib.Path(f"/proc/{f.read_text().strip()}/stat")
        if not stat.exists() or stat.read_text().rsplit(")", 1)[1].split()[0] == "Z":
            return f.name.split(".")[0]
deadline = time.time() + 60
while urls and time.time() < deadline:
    try:
        with urllib.request.urlopen(urls[0], timeout=2) as r:
            if r.read() == b"ok":
                urls.pop(0)
                continue
    except OSError:
        pass
    if (name := dead()):
        sys.exit(f"{name} exited while starting (logs in {rundir}/logs)")
    time.sleep(0.3)
sys.exit(f"no answer from {urls[0]} after 60 s" if urls else 0)
EOF
}
urls=()
for i in $(seq "$replicas"); do
  urls+=("http://127.0.0.1:$((replica_port + i - 1))/_stcore/health")
done
wait_ok "${urls[@]}" || { say "a replica did not start"; exit 1; }

# The CSP allows Streamlit's inline script by its hash, taken from the page the replicas
# actually serve: a Streamlit upgrade that changes the script changes the hash with it.
hashes=$("$PY" - "http://127.0.0.1:$replica_port/" <<'EOF'
import base64, hashlib, re, sys, urllib.request
html = urllib.request.urlopen(sys.argv[1], timeout=10).read().decode()
inline = re.findall(r"<script(?![^>]*\ssrc=)[^>]*>(.*?)</script>", html, re.S)
print(" ".join(
    "'sha256-%s'" % base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()
    for s in inline
))
EOF
)

conf=$(<deploy/nginx.conf.template)
conf=${conf//@LISTEN@/"$listen:$port"}
conf=${conf//@SERVERS@/"${servers%$'\n'}"}
conf=${conf//@SCRIPT_HASHES@/"$hashes"}
printf '%s\n' "$conf" >"$rundir/nginx.conf"
"$NGINX" -t -q -p "$rundir/" -c nginx.conf

# daemon off: nginx stays this script's child, so its pid is known without trusting its pid
# file and the foreground wait below sees it exit. nginx.pid.serve is ours; nginx.pid is
# nginx's own.
# Its own output to a file as well: a detached nginx must not hold the caller's stdout open
# (a `serve.sh --detach | tail` would wait forever); its errors are in logs/error.log anyway.
setsid "$NGINX" -p "$rundir/" -c nginx.conf -g 'daemon off;' \
  >>"$rundir/logs/nginx.out" 2>&1 </dev/null &
nginx_pid=$!
echo "$nginx_pid" >"$rundir/nginx.pid.serve"
wait_ok "http://$local_host:$port/healthz" || { say "nginx did not answer"; exit 1; }
say "serving http://$listen:$port/ with $replicas replicas (logs in $rundir/logs)"

if [ "$detach" = 1 ]; then
  trap - INT TERM EXIT
  exit 0
fi

# Foreground: until Ctrl-C, SIGTERM, `serve.sh stop` or nginx exiting. A replica that exits
# is started again (nginx sends its browsers to the others meanwhile); nginx exiting ends the
# service, so a supervisor (the container runtime) can restart the whole of it.
while :; do
  wait -n || true
  if [ -f "$rundir/stopping" ]; then
    # `serve.sh stop` from another shell: it signals; this script, the parent, reaps.
    trap - EXIT
    wait || true
    exit 0
  fi
  if ! ours "$nginx_pid" nginx; then
    say "nginx exited; stopping"
    exit 1
  fi
  for i in $(seq "$replicas"); do
    if ! ours "$(cat "$rundir/replica-$i.pid" 2>/dev/null || echo 0)" streamlit; then
      say "replica $i exited; starting it again"
      sleep 1
      start_replica "$i"
    fi
  done
done
