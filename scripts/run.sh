#!/usr/bin/env bash
# Start Huisheng on this machine: migrate, load the demo once, then run the worker and the
# web server side by side. Stop both with Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=.venv/bin
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-5000}
WEB_WORKERS=${WEB_WORKERS:-2}
# Without Redis, each web process enforces its share of every rate limit.
export WEB_CONCURRENCY=$WEB_WORKERS
export FLASK_APP=app:create_app
export INSTANCE_PATH=${INSTANCE_PATH:-$PWD/instance}
mkdir -p "$INSTANCE_PATH"

# A stable secret for this installation, created once and kept under instance/.
if [ -z "${SECRET_KEY:-}" ]; then
  if [ ! -s "$INSTANCE_PATH/secret_key" ]; then
    (umask 077; $BIN/python -c 'import secrets; print(secrets.token_urlsafe(48))' \
      > "$INSTANCE_PATH/secret_key")
  fi
  SECRET_KEY=$(cat "$INSTANCE_PATH/secret_key")
  export SECRET_KEY
fi

$BIN/flask db upgrade
$BIN/flask setup
$BIN/flask demo load --if-missing

# The job worker runs beside the web server and stops with it.
$BIN/huey_consumer app.tasks.huey -w 2 -k thread -m 1 >> "$INSTANCE_PATH/worker.log" 2>&1 &
WORKER=$!
cleanup() {
  kill -INT "$WORKER" 2>/dev/null || true
  wait "$WORKER" 2>/dev/null || true
}
trap cleanup EXIT INT TERM

echo
echo "回声 Huisheng is running at http://$HOST:$PORT/"
echo "Demo logins (password for all: huisheng-demo):"
$BIN/flask demo logins
echo "Job worker log: $INSTANCE_PATH/worker.log   Stop with Ctrl-C."
echo

# gunicorn.conf.py: no access log (request lines carry private tracking and invite tokens)
# and an error log without client addresses.
$BIN/gunicorn --config gunicorn.conf.py --bind "$HOST:$PORT" --workers "$WEB_WORKERS"
