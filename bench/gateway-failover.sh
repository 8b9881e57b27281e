#!/usr/bin/env bash
# How long clients go without an answer when the gateway JVM dies: starts Gatehouse with ./platform in its own
# runtime folder, then ROUNDS times kills the gateway with SIGKILL and measures the time until
# https://127.0.0.1:<https port>/health answers 200 again through the relaunched gateway (listener, filters,
# balancer and an app container: the whole path). Stops everything it started when it exits.
#
#   bench/gateway-failover.sh                 # ROUNDS=5, runtime in a temporary folder
#   ROUNDS=10 bench/gateway-failover.sh
#
# The ports are ./platform's defaults unless GATEHOUSE_<KEY> variables say otherwise (see docs/operations.md).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
ROUNDS=${ROUNDS:-5}
[[ "$ROUNDS" =~ ^[1-9][0-9]*$ ]] || { echo "ROUNDS must be a positive number, was \"$ROUNDS\"" >&2; exit 2; }
export GATEHOUSE_RUNTIME=${GATEHOUSE_RUNTIME:-$(mktemp -d /tmp/gatehouse-failover.XXXXXX)}
HTTPS_PORT=${GATEHOUSE_LISTENER_HTTPS_PORT:-8443}
URL="https://127.0.0.1:$HTTPS_PORT/health"

stop() { "$ROOT/platform" stop >/dev/null 2>&1 || true; }
trap stop EXIT

echo "== starting Gatehouse (runtime $GATEHOUSE_RUNTIME)"
"$ROOT/platform" start >/dev/null

status() { curl -sk -m 1 -o /dev/null -w "%{http_code}" "$URL" || true; }
await() { # seconds -> waits until /health answers 200 through the gateway
  local deadline=$((SECONDS + $1))
  until [ "$(status)" = 200 ]; do
    [ $SECONDS -lt $deadline ] || { echo "no 200 from $URL within $1 s" >&2; exit 1; }
    sleep 0.05
  done
}
await 120

printf '%-6s %-10s %s\n' round "killed" "serving again after"
for round in $(seq "$ROUNDS"); do
  sleep 3
  pid=$(cut -d' ' -f1 "$GATEHOUSE_RUNTIME/run/gateway.pid")
  start=$(date +%s%N)
  kill -9 "$pid"
  while kill -0 "$pid" 2>/dev/null; do sleep 0.01; done
  await 120
  printf '%-6s %-10s %s\n' "$round" "$pid" "$(( ($(date +%s%N) - start) / 1000000 )) ms"
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
