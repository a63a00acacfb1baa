#!/usr/bin/env bash
# Starts, checks and stops the services DIF's demo and tests use, on loopback only.
#   scripts/services.sh up [name...]     start what is down (idempotent)
#   scripts/services.sh status           what is up, what is missing, and the command that fixes it
#   scripts/services.sh down [name...]   stop what this script started (never the system databases)
# Names: mysql redis postgres temporal s3 kms. Without names, `up`, `status` and `down` also
# cover the file servers of the file-source tests (scripts/file-servers.sh: IMAP, SFTP, FTP). Addresses can be moved with the DIF_* variables
# below; docker-compose.yml names the same set for users with Docker.
set -uo pipefail

DIF_HOME="${DIF_HOME:-$HOME/.cache/dif}"
TOOLS_DIR="${DIF_TOOLS_DIR:-$DIF_HOME/bin}"
DATA_DIR="$DIF_HOME/data"; LOG_DIR="$DIF_HOME/log"; RUN_DIR="$DIF_HOME/run"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

TEMPORAL_PORT="${DIF_TEMPORAL_PORT:-7233}"
TEMPORAL_UI_PORT="${DIF_TEMPORAL_UI_PORT:-8233}"
S3_PORT="${DIF_S3_PORT:-7070}"
KMS_PORT="${DIF_KMS_PORT:-4599}"
S3_ACCESS_KEY="${DIF_S3_ACCESS_KEY:-diflocal}"
S3_SECRET_KEY="${DIF_S3_SECRET_KEY:-diflocalsecret}"
SEARCH_ATTRIBUTES=("DifVendor=Keyword" "DifCustomer=Keyword" "DifStream=Keyword" "DifWindowStart=Datetime" "DifPartition=Keyword")

ALL=(mysql redis postgres temporal s3 kms)

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

port_of() {
  case "$1" in
    mysql) echo 3306 ;; redis) echo 6379 ;; postgres) echo 5432 ;;
    temporal) echo "$TEMPORAL_PORT" ;; s3) echo "$S3_PORT" ;; kms) echo "$KMS_PORT" ;;
  esac
}

# The command that starts a service, as shown to a person in `status` and run by `up`.
start_command() {
  case "$1" in
    mysql) echo "start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd" ;;
    redis) echo "redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save '' --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log" ;;
    postgres) echo "pg_ctlcluster --skip-systemctl-redirect \$(ls /etc/postgresql) main start" ;;
    temporal|s3|kms) echo "npm run services -- up $1" ;;
  esac
}

wait_for_port() { # name port seconds
  local i
  for ((i = 0; i < $3 * 10; i++)); do port_open "$2" && return 0; sleep 0.1; done
  echo "services: $1 did not open port $2 within $3 s; see $LOG_DIR/$1.log" >&2
  return 1
}

spawn() { # name command...: detached from this shell so it outlives the caller
  local name="$1"; shift
  mkdir -p "$LOG_DIR" "$RUN_DIR"
  nohup setsid "$@" >>"$LOG_DIR/$name.log" 2>&1 < /dev/null &
  echo $! > "$RUN_DIR/$name.pid"
}

need_tool() {
  [ -x "$TOOLS_DIR/$1" ] || bash "$HERE/install-tools.sh" "$1" || {
    echo "services: cannot build $1 (see above); run: bash scripts/install-tools.sh" >&2; return 1; }
}

start_temporal() {
  need_tool temporal || return 1
  mkdir -p "$DATA_DIR"
  # Eager activity execution: an activity the workflow schedules on its own task queue is
  # handed back in the workflow task's answer, to the worker that scheduled it, instead of
  # through the matching service. Off by default in the server. In the e2e bench's histories
  # (load 6), its 7 activities waited 119-364 ms in all between scheduled and started without
  # it, 0-1 ms with it (README "Benchmarks").
  spawn temporal "$TOOLS_DIR/temporal" server start-dev \
    --ip 127.0.0.1 --port "$TEMPORAL_PORT" --ui-port "$TEMPORAL_UI_PORT" \
    --db-filename "$DATA_DIR/temporal.db" --log-level warn \
    --dynamic-config-value system.enableActivityEagerExecution=true
  wait_for_port temporal "$TEMPORAL_PORT" 60 || return 1
  register_search_attributes
}

# The dev server registers --search-attribute flags only when it creates the namespace; with
# a persistent database, new attributes must be added through the operator service.
register_search_attributes() {
  local existing sa name type i
  for ((i = 0; i < 50; i++)); do
    existing="$("$TOOLS_DIR/temporal" operator search-attribute list --address "127.0.0.1:$TEMPORAL_PORT" 2>/dev/null)" && break
    sleep 0.2
  done
  for sa in "${SEARCH_ATTRIBUTES[@]}"; do
    name="${sa%%=*}"; type="${sa#*=}"
    grep -qw "$name" <<<"$existing" && continue
    "$TOOLS_DIR/temporal" operator search-attribute create --address "127.0.0.1:$TEMPORAL_PORT" \
      --name "$name" --type "$type" >/dev/null 2>>"$LOG_DIR/temporal.log" \
      || echo "services: could not register search attribute $name" >&2
  done
}

start_s3() {
  need_tool versitygw || return 1
  mkdir -p "$DATA_DIR/s3"
  ROOT_ACCESS_KEY="$S3_ACCESS_KEY" ROOT_SECRET_KEY="$S3_SECRET_KEY" \
    spawn s3 "$TOOLS_DIR/versitygw" --port "127.0.0.1:$S3_PORT" posix "$DATA_DIR/s3"
  wait_for_port s3 "$S3_PORT" 30
}

start_kms() {
  need_tool local-kms || return 1
  mkdir -p "$DATA_DIR/kms"
  # local-kms listens on every interface; only loopback clients are ever pointed at it.
  PORT="$KMS_PORT" KMS_DATA_PATH="$DATA_DIR/kms" KMS_SEED_PATH="$HERE/local-kms-seed.yaml" \
    spawn kms "$TOOLS_DIR/local-kms"
  wait_for_port kms "$KMS_PORT" 30
}

start_system() { # mysql redis postgres: the machine's own services
  local cmd; cmd="$(start_command "$1")"
  echo "services: $1 is down; starting it: $cmd" >&2
  bash -c "$cmd" >/dev/null 2>&1 || { echo "services: could not start $1; run: $cmd" >&2; return 1; }
  wait_for_port "$1" "$(port_of "$1")" 30
}

up() {
  local failed=0 name
  for name in "$@"; do
    if port_open "$(port_of "$name")"; then
      [ "$name" = temporal ] && [ -x "$TOOLS_DIR/temporal" ] && register_search_attributes
      continue
    fi
    case "$name" in
      mysql|redis|postgres) start_system "$name" ;;
      temporal) start_temporal ;;
      s3) start_s3 ;;
      kms) start_kms ;;
      *) echo "services: unknown service '$name' (known: ${ALL[*]})" >&2; false ;;
    esac || failed=1
  done
  return $failed
}

status() {
  local name port missing=0
  printf '%-9s %-17s %-5s %s\n' SERVICE ADDRESS STATE "FIX"
  for name in "${ALL[@]}"; do
    port="$(port_of "$name")"
    if port_open "$port"; then
      printf '%-9s %-17s %-5s\n' "$name" "127.0.0.1:$port" up
    else
      printf '%-9s %-17s %-5s %s\n' "$name" "127.0.0.1:$port" down "$(start_command "$name")"
      missing=1
    fi
  done
  port_open "$TEMPORAL_PORT" && echo "Temporal Web UI: http://127.0.0.1:$TEMPORAL_UI_PORT"
  return $missing
}

down() {
  local name pid
  for name in "$@"; do
    case "$name" in mysql|redis|postgres) continue ;; esac
    pid="$(cat "$RUN_DIR/$name.pid" 2>/dev/null)" || continue
    kill -- "-$pid" 2>/dev/null || kill "$pid" 2>/dev/null
    rm -f "$RUN_DIR/$name.pid"
  done
}

cmd="${1:-status}"; shift || true
all=0
[ $# -eq 0 ] && { all=1; set -- "${ALL[@]}"; }
files() { [ "$all" = 0 ] || bash "$HERE/file-servers.sh" "$1"; }
case "$cmd" in
  # Only the file-source tests need the file servers: the demo and the benchmarks run without
  # them (say, on a machine where this user cannot apt-get), and those tests name the fix.
  up) up "$@"; rc=$?; files up || echo "services: the file servers are not up (only the file-source tests need them); run: bash scripts/file-servers.sh up" >&2
     # Only the metrics test needs Prometheus (it starts its own server).
     [ "$all" = 0 ] || bash "$HERE/prometheus.sh" install || echo "services: Prometheus is missing (only the metrics test needs it); run: bash scripts/prometheus.sh install" >&2
     exit $rc ;;
  status) status; rc=$?; echo; files status || rc=1; exit $rc ;;
  down) down "$@"; files down ;;
  *) echo "usage: scripts/services.sh up|status|down [${ALL[*]}]" >&2; exit 2 ;;
esac
