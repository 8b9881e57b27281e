#!/usr/bin/env bash
# Gatehouse gateway vs NGINX (and HAProxy) on one machine, over TLS keep-alive, on a small JSON response.
#
#   bench/gateway-vs-nginx.sh            # needs the built distribution: mvn -B install -DskipITs
#
# Installs what it lacks from Debian (nginx-light, haproxy, wrk, nghttp2-client for h2load), starts two fixed fast
# backends (NGINX returning a small JSON on two loopback ports), then runs each front in turn with the same setup: TLS
# 1.2/1.3 with one ECDSA P-256 certificate, least-connections over a keep-alive upstream pool, the same security
# headers (the gatehouse-security defaults), request ids, X-Forwarded-*, no access log. The path /bench is outside the
# rate-limit zones (the other fronts have no rate limiter). The servers are pinned to CPU 1, the load generator to CPU
# 0. Each front is started and warmed up in turn (a short h2load run first; for the gateway JVM 5 s runs with a new
# TLS connection per request, until at least 30,000 connections were made and its JIT compilers used under 2% of two
# runs in a row; one long wrk run; four short runs so that new connections are warm too; and for the gateway JVM 5 s
# keep-alive runs until its JIT compilers used under 2% of two in a row), then stopped (SIGSTOP). The measurement is
# ROUNDS rounds; in each, every front in turn is continued, given 2 s of unmeasured load, measured with wrk (1 thread,
# 50 connections, DURATION seconds) and stopped again, so a machine that drifts over the run weighs on every front
# alike. Last, h2load (HTTP/2, when available, after 5 s more of HTTP/2 warm-up). It prints every round, each front's
# median, and the ratios to NGINX round by round. Everything it starts is stopped by pid on exit.
#
# Environment: DURATION (20), ROUNDS (3), WARMUP (30, gateway JVM), CONNECTIONS (50),
#              JIT_ROUNDS (40: at most 200 s for each of the gateway JVM's two settling phases),
#              DIST (the distribution tar.gz),
#              FRONTS ("gatehouse nginx haproxy"), POST (unset; a size in bytes: POST a JSON body of that size instead
#              of a GET), ACCESS_LOG (false: access logs off on every front; true: on),
#              PROFILE (false; true: records a JFR profile of the gateway during its measured wrk run into the work
#              dir, gatehouse.jfr, in round 1; read it with `jfr print --events jdk.ExecutionSample` or `jfr summary`),
#              GATEHOUSE_JAVA_OPTS (JVM options of the gateway, default the ones below).
#              A/B of two gateway builds or JVM options, in the same alternated rounds: add the front gatehouse-b,
#              FRONTS="gatehouse gatehouse-b nginx", with DIST_B and/or GATEHOUSE_B_JAVA_OPTS (default: as the first).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DURATION="${DURATION:-20}"
WARMUP="${WARMUP:-30}"
JIT_ROUNDS="${JIT_ROUNDS:-40}"
ROUNDS="${ROUNDS:-3}"
CONNECTIONS="${CONNECTIONS:-50}"
FRONTS="${FRONTS:-gatehouse nginx haproxy}"
ACCESS_LOG="${ACCESS_LOG:-false}"
PROFILE="${PROFILE:-false}"
DIST="${DIST:-$(ls "$ROOT"/karaf-assembly/target/gatehouse-*.tar.gz 2>/dev/null | head -1)}"
GATEHOUSE_DEFAULT_OPTS="-Xms512m -Xmx512m -XX:+AlwaysPreTouch -XX:+UseParallelGC -XX:+UseTransparentHugePages -XX:Tier3DelayOn=100000 -XX:ActiveProcessorCount=1"
LOAD_CPU=0
SERVER_CPU=1
[ "$(nproc)" -ge 2 ] || { echo "needs 2 CPUs (one for the load generator, one for the servers)" >&2; exit 1; }
[ -f "$DIST" ] || { echo "no distribution found; build it first: mvn -B install -DskipITs" >&2; exit 1; }
case " $FRONTS " in
  *" gatehouse-b "*) [ -f "${DIST_B:-$DIST}" ] || { echo "DIST_B '${DIST_B}' is not a file" >&2; exit 1; } ;;
esac
for setting in DURATION ROUNDS WARMUP JIT_ROUNDS CONNECTIONS; do
  [[ "${!setting}" =~ ^[1-9][0-9]*$ ]] || { echo "$setting must be a whole number above 0, not '${!setting}'" >&2; exit 1; }
done

need=()
command -v nginx >/dev/null || need+=(nginx-light)
command -v haproxy >/dev/null || need+=(haproxy)
command -v wrk >/dev/null || need+=(wrk)
command -v h2load >/dev/null || need+=(nghttp2-client)
command -v openssl >/dev/null || need+=(openssl)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing ${need[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

WORK="$(mktemp -d /tmp/gatehouse-bench.XXXXXX)"
PIDS=()
cleanup() {
  # a stopped front would not act on its SIGTERM: continue them all first
  for pid in "${PIDS[@]}"; do kill -CONT $(front_pids "$pid") 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT

# a process and its children (NGINX's workers)
front_pids() { echo "$1" $(pgrep -P "$1" || true); }
# the gateway fronts (gatehouse, gatehouse-b) run in a JVM, warmed until its JIT settles
is_jvm() { [ "$1" != nginx ] && [ "$1" != haproxy ]; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
wait_for() { # url
  for _ in $(seq 1 600); do
    if curl -sk -o /dev/null -m 2 -w '%{http_code}' "$1" | grep -q '^200$'; then return 0; fi
    sleep 0.5
  done
  echo "timed out waiting for $1" >&2; return 1
}
pid_from_file() { for _ in $(seq 1 1200); do [ -s "$1" ] && { cat "$1"; return; }; sleep 0.1; done; echo "no pid in $1" >&2; exit 1; }

# ---- certificate: ECDSA P-256, PKCS#8 key, shared by every front
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 -subj "/CN=localhost" \
  -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -keyout "$WORK/key.pem" -out "$WORK/cert.pem" 2>/dev/null
cat "$WORK/cert.pem" "$WORK/key.pem" > "$WORK/combined.pem"
CIPHERS12="ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305"

# ---- backends: one NGINX worker answering a small JSON on two ports
B1=$(free_port); B2=$(free_port)
mkdir -p "$WORK/backend"
cat > "$WORK/backend/nginx.conf" <<CONF
worker_processes 1;
pid $WORK/backend/nginx.pid;
error_log $WORK/backend/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$B1; listen 127.0.0.1:$B2;
    location / { default_type application/json; return 200 '{"status":"UP","service":"bench"}'; }
  }
}
CONF
taskset -c $SERVER_CPU nginx -c "$WORK/backend/nginx.conf" -p "$WORK/backend"
PIDS+=("$(pid_from_file "$WORK/backend/nginx.pid")")
wait_for "http://127.0.0.1:$B1/health"

# the headers the gatehouse-security feature adds by default, added by NGINX and HAProxy too
HSTS="max-age=31536000; includeSubDomains"
CSP="default-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
PERMISSIONS="camera=(), microphone=(), geolocation=(), payment=(), usb=()"
SECURITY_HEADERS_NGINX="
      add_header Strict-Transport-Security \"$HSTS\" always;
      add_header Content-Security-Policy \"$CSP\" always;
      add_header X-Frame-Options DENY always;
      add_header X-Content-Type-Options nosniff always;
      add_header Referrer-Policy strict-origin-when-cross-origin always;
      add_header Permissions-Policy \"$PERMISSIONS\" always;
      add_header Cross-Origin-Opener-Policy same-origin always;"

# ---- NGINX front
start_nginx() {
  NGINX_PORT=$(free_port)
  mkdir -p "$WORK/nginx"
  local log="access_log off;"
  [ "$ACCESS_LOG" = true ] && log="access_log $WORK/nginx/access.log;"
  cat > "$WORK/nginx/nginx.conf" <<CONF
worker_processes 1;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 4096; }
http {
  $log
  upstream app { least_conn; server 127.0.0.1:$B1; server 127.0.0.1:$B2; keepalive 64; }
  server {
    listen 127.0.0.1:$NGINX_PORT ssl http2;
    server_tokens off;
    ssl_certificate $WORK/cert.pem; ssl_certificate_key $WORK/key.pem;
    ssl_protocols TLSv1.2 TLSv1.3; ssl_ciphers $CIPHERS12; ssl_prefer_server_ciphers on;
    keepalive_requests 1000000;
    location / {
      # add_header is not inherited into a location that has its own, so all of them live here
      $SECURITY_HEADERS_NGINX
      proxy_pass http://app;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$host;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto \$scheme;
      proxy_set_header X-Forwarded-Host \$host;
      proxy_set_header X-Request-Id \$request_id;
      add_header X-Request-Id \$request_id always;
      proxy_connect_timeout 2s; proxy_read_timeout 30s;
    }
  }
}
CONF
  taskset -c $SERVER_CPU nginx -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx"
  PIDS+=("$(pid_from_file "$WORK/nginx/nginx.pid")")
  URL="https://127.0.0.1:$NGINX_PORT/bench"
  wait_for "$URL"
}

# ---- HAProxy front
start_haproxy() {
  HAPROXY_PORT=$(free_port)
  mkdir -p "$WORK/haproxy"
  cat > "$WORK/haproxy/haproxy.cfg" <<CONF
global
  nbthread 1
  maxconn 4096
  ssl-default-bind-options ssl-min-ver TLSv1.2
  ssl-default-bind-ciphers $CIPHERS12
  pidfile $WORK/haproxy/haproxy.pid
defaults
  mode http
  timeout connect 2s
  timeout client 30s
  timeout server 30s
  http-reuse always
  option forwardfor
frontend front
  bind 127.0.0.1:$HAPROXY_PORT ssl crt $WORK/combined.pem alpn h2,http/1.1
  http-request set-header X-Forwarded-Proto https
  http-request set-header X-Forwarded-Host %[req.hdr(host)]
  unique-id-format %{+X}o\ %ci:%cp_%fi:%fp_%Ts_%rt:%pid
  http-request set-header X-Request-Id %[unique-id]
  http-response set-header X-Request-Id %[unique-id]
  http-response set-header Strict-Transport-Security "$HSTS"
  http-response set-header Content-Security-Policy "$CSP"
  http-response set-header X-Frame-Options DENY
  http-response set-header X-Content-Type-Options nosniff
  http-response set-header Referrer-Policy strict-origin-when-cross-origin
  http-response set-header Permissions-Policy "$PERMISSIONS"
  http-response set-header Cross-Origin-Opener-Policy same-origin
  default_backend app
backend app
  balance leastconn
  server b1 127.0.0.1:$B1
  server b2 127.0.0.1:$B2
CONF
  taskset -c $SERVER_CPU haproxy -D -f "$WORK/haproxy/haproxy.cfg"
  PIDS+=("$(pid_from_file "$WORK/haproxy/haproxy.pid")")
  URL="https://127.0.0.1:$HAPROXY_PORT/bench"
  wait_for "$URL"
}

# ---- Gatehouse: the built distribution, gateway features, on free ports
start_gatehouse() { # front name, distribution, JVM options
  local front="$1" dist="$2" opts="$3"
  GH_PORT=$(free_port)
  mkdir -p "$WORK/$front"
  tar xzf "$dist" -C "$WORK/$front"
  local home; home="$(ls -d "$WORK/$front"/gatehouse-*)"
  local etc="$home/etc"
  sed -i "s/^sshPort *=.*/sshPort = $(free_port)/" "$etc/org.apache.karaf.shell.cfg"
  sed -i "s/^rmiRegistryPort *=.*/rmiRegistryPort = $(free_port)/; s/^rmiServerPort *=.*/rmiServerPort = $(free_port)/" "$etc/org.apache.karaf.management.cfg"
  sed -i "s/^org.osgi.service.http.port *=.*/org.osgi.service.http.port = $(free_port)/" "$etc/org.ops4j.pax.web.cfg"
  # the gateway container role: listener, balancer, strategies and whatever else the umbrella feature holds
  sed -i "s/^featuresBoot *= *\\\\/featuresBoot = gatehouse-gateway, \\\\/" "$etc/org.apache.karaf.features.cfg"
  cat > "$etc/io.gatehouse.listener.cfg" <<CONF
host = 127.0.0.1
https.port = $GH_PORT
http.port = -1
tls.certificate = $WORK/cert.pem
tls.private.key = $WORK/key.pem
tls.ciphers = TLS_AES_128_GCM_SHA256,TLS_AES_256_GCM_SHA384,TLS_CHACHA20_POLY1305_SHA256,TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256
access.log = $ACCESS_LOG
CONF
  cat > "$etc/io.gatehouse.balancer.cfg" <<CONF
strategy = least-conn
backends = 127.0.0.1:$B1, 127.0.0.1:$B2
health.enabled = false
CONF
  # the gateway JVM's options as ./platform gives them (its default heap, 512 MB), on one CPU
  (cd "$home" && \
     EXTRA_JAVA_OPTS="$opts" taskset -c $SERVER_CPU bin/karaf server > "$WORK/$front/karaf.out" 2>&1 &)
  PIDS+=("$(pid_from_file "$home/karaf.pid")")
  URL="https://127.0.0.1:$GH_PORT/bench"
  wait_for "$URL"
}

RESULTS="$WORK/results.txt"
# CPU time (clock ticks) of a process and its children (NGINX's workers), "user system": CPU per request is a
# figure that a busy, shared machine distorts much less than requests/s
cpu_ticks() { # pid
  local user=0 system=0 p
  for p in "$1" $(pgrep -P "$1" || true); do
    if [ -r "/proc/$p/stat" ]; then
      read -r u s < <(awk '{print $14, $15}' "/proc/$p/stat")
      user=$((user + u)); system=$((system + s))
    fi
  done
  echo "$user $system"
}
TICKS=$(getconf CLK_TCK)
# CPU time (clock ticks) of a JVM's JIT compiler threads (C1 and C2): still compiling means not yet warm
jit_ticks() { # pid
  local t sum=0 u s
  for t in /proc/"$1"/task/*; do
    case "$(cat "$t/comm" 2>/dev/null)" in
      C1\ CompilerThre*|C2\ CompilerThre*)
        read -r u s < <(sed 's/^.*) //' "$t/stat" | awk '{print $12, $13}') && sum=$((sum + u + s)) ;;
    esac
  done
  echo "$sum"
}
# context switches of a process and its children, every thread, "voluntary involuntary": an involuntary one is a
# preemption (on the servers' CPU, mostly by the backend the front has just written to)
ctx_switches() { # pid
  local vol=0 inv=0 p f
  for p in "$1" $(pgrep -P "$1" || true); do
    for f in /proc/"$p"/task/*/status; do
      [ -r "$f" ] || continue
      read -r v i < <(awk '/^voluntary_ctxt_switches/ {v=$2} /^nonvoluntary_ctxt_switches/ {i=$2} END {print v+0, i+0}' "$f")
      vol=$((vol + v)); inv=$((inv + i))
    done
  done
  echo "$vol $inv"
}
# TCP segments sent by the whole machine (wrk, the front, the backends: the same topology for every front)
tcp_segments() { awk '/^Tcp:/ { if (h) { for (i = 1; i <= NF; i++) if (n[i] == "OutSegs") print $i } else { for (i = 1; i <= NF; i++) n[i] = $i; h = 1 } }' /proc/net/snmp; }
# POST=<bytes>: every request is a POST with a JSON body of that size (wrk through a Lua script, h2load with -d)
WRK_BODY=(); H2_BODY=()
if [ -n "${POST:-}" ]; then
  python3 -c "import sys; n=int(sys.argv[1]); print('{\"pad\":\"' + 'x' * max(0, n - 10) + '\"}', end='')" "$POST" > "$WORK/body.json"
  printf 'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nlocal f = io.open("%s", "rb")\nwrk.body = f:read("*a")\nf:close()\n' "$WORK/body.json" > "$WORK/post.lua"
  WRK_BODY=(-s "$WORK/post.lua"); H2_BODY=(-d "$WORK/body.json" -H "Content-Type: application/json")
fi

# every front stays up for the whole run; all but the one running are stopped (SIGSTOP, NGINX's workers and HAProxy
# too), so that exactly one front is on the server CPU and an idle one's timers cost the running one nothing
declare -A URLS FRONT_PID
pause_front() { kill -STOP $(front_pids "${FRONT_PID[$1]}") 2>/dev/null || true; }
resume_front() { kill -CONT $(front_pids "${FRONT_PID[$1]}") 2>/dev/null || true; }

warm() { # name warm-up-seconds
  local name="$1" url="${URLS[$1]}"
  echo "== $name: warm-up" >&2
  # HTTP/2 first: a JIT compiles the paths it has seen, and code shared by both protocols that HTTP/2 reaches last
  # is recompiled (deoptimized, then compiled again for the wider profile) during the HTTP/1.1 run that follows
  if command -v h2load >/dev/null; then
    taskset -c $LOAD_CPU h2load "${H2_BODY[@]}" -D 3 -c "$CONNECTIONS" -m 10 -t 1 "$url" >/dev/null 2>&1 || true
  fi
  # a JVM front: a new TLS connection per request, in 5 s rounds until its JIT compilers have settled on that path too
  # (see settle). Each measured run opens its connections anew, and a JVM that is still compiling the code of
  # accepting and handshaking them spends the first half second of the run at a quarter of its speed: about 1% of the
  # run's requests, the p99 itself (docs/benchmarks.md, "the connection path's warm-up"). That code runs once per
  # connection, and the optimizing compiler takes it only after tens of thousands of runs, so the rounds go on until
  # at least 30,000 connections have been made, not the 50 of a wrk run. It comes first, so that the keep-alive runs,
  # the ones measured, are what the JIT sees last.
  if is_jvm "$name"; then settle "$name" "new connections" 30000 -H "Connection: close"; fi
  taskset -c $LOAD_CPU wrk "${WRK_BODY[@]}" -t1 -c"$CONNECTIONS" -d"${2}s" "$url" >/dev/null
  # a few short rounds, so that closing and reopening connections are warm too
  for _ in 1 2 3 4; do taskset -c $LOAD_CPU wrk "${WRK_BODY[@]}" -t1 -c"$CONNECTIONS" -d2s "$url" >/dev/null; done
  # a JVM front, last: 5 s keep-alive rounds (new connections each) until its JIT compilers have settled
  if is_jvm "$name"; then settle "$name" "keep-alive" 0; fi
}

# 5 s wrk rounds against a JVM front until at least the given number of requests were made and its JIT compilers
# have settled, that is two rounds in a row in which they used under 2% of the time; at most JIT_ROUNDS
settle() { # name label least-requests [wrk options]
  local name="$1" label="$2" least="$3" url="${URLS[$1]}" round jit0 jit1 spent quiet=0 requests=0 made
  shift 3
  for round in $(seq 1 "$JIT_ROUNDS"); do
    jit0=$(jit_ticks "${FRONT_PID[$name]}")
    made=$(taskset -c $LOAD_CPU wrk "${WRK_BODY[@]}" "$@" -t1 -c"$CONNECTIONS" -d5s "$url" | awk '/requests in/ {print $1}')
    jit1=$(jit_ticks "${FRONT_PID[$name]}")
    requests=$((requests + ${made:-0}))
    spent=$(( (jit1 - jit0) * 1000 / TICKS ))
    echo "   JIT compilers in warm-up round $round ($label, $requests requests): $spent ms of 5000" >&2
    if [ "$spent" -lt 100 ]; then quiet=$((quiet + 1)); else quiet=0; fi
    if [ "$quiet" -ge 2 ] && [ "$requests" -ge "$least" ]; then break; fi
  done
}

measure() { # name round
  local name="$1" round="$2" url="${URLS[$1]}" pid="${FRONT_PID[$1]}"
  # 2 s unmeasured first: the front's keep-alive connections to the backends may have timed out while it was stopped
  taskset -c $LOAD_CPU wrk "${WRK_BODY[@]}" -t1 -c"$CONNECTIONS" -d2s "$url" >/dev/null
  echo "== $name, round $round: wrk -t1 -c$CONNECTIONS -d${DURATION}s (HTTP/1.1 over TLS, keep-alive)" >&2
  if [ "$PROFILE" = true ] && [ "$name" = gatehouse ] && [ "$round" = 1 ]; then
    jcmd "$pid" JFR.start name=bench settings=profile duration="${DURATION}s" filename="$WORK/gatehouse.jfr" >/dev/null
  fi
  local out="$WORK/$name.$round.wrk"
  local before; read -r -a before < <(cpu_ticks "$pid")
  local ctx0; read -r -a ctx0 < <(ctx_switches "$pid")
  local segs0; segs0=$(tcp_segments)
  taskset -c $LOAD_CPU wrk "${WRK_BODY[@]}" -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency "$url" > "$out"
  local after; read -r -a after < <(cpu_ticks "$pid")
  local segs1; segs1=$(tcp_segments)
  local ctx1; read -r -a ctx1 < <(ctx_switches "$pid")
  local user=$(( after[0] - before[0] )) system=$(( after[1] - before[1] ))
  local rps p50 p90 p99 errors cpu sys
  local requests; requests=$(awk '/requests in/ {print $1}' "$out")
  per_request() { awk -v t="$1" -v n="$requests" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.1f", (n > 0 ? t * 1e6 / hz / n : 0) }'; }
  cpu=$(per_request $((user + system)))
  sys=$(per_request "$system")
  local switches; switches=$(awk -v v=$(( ctx1[0] - ctx0[0] )) -v i=$(( ctx1[1] - ctx0[1] )) -v n="$requests" \
    'BEGIN { printf "%.2f/%.2f", (n > 0 ? v / n : 0), (n > 0 ? i / n : 0) }')
  local segments; segments=$(awk -v s=$(( segs1 - segs0 )) -v n="$requests" 'BEGIN { printf "%.2f", (n > 0 ? s / n : 0) }')
  rps=$(awk '/Requests\/sec/ {print $2}' "$out")
  p50=$(awk '$1=="50%" {print $2}' "$out")
  p90=$(awk '$1=="90%" {print $2}' "$out")
  p99=$(awk '$1=="99%" {print $2}' "$out")
  errors=$(awk '/Non-2xx|Socket errors/ {print}' "$out" | tr '\n' ' ')
  local load; load=$(cut -d' ' -f1 /proc/loadavg)
  printf '%-11s %5s %12s %10s %10s %10s %12s %8s %11s %9s %8s  %s\n' "$name" "$round" "$rps" "$p50" "$p90" "$p99" "$cpu" "$sys" "$switches" "$segments" "$load" "$errors" | tee -a "$RESULTS"
}

measure_h2() { # name
  local name="$1" url="${URLS[$1]}"
  # HTTP/2 warmed again first: after minutes of HTTP/1.1 alone, a JIT has recompiled the code both share for it
  taskset -c $LOAD_CPU h2load "${H2_BODY[@]}" -D 5 -c "$CONNECTIONS" -m 10 -t 1 "$url" >/dev/null 2>&1 || true
  taskset -c $LOAD_CPU h2load "${H2_BODY[@]}" -D "$DURATION" -c "$CONNECTIONS" -m 10 -t 1 "$url" > "$WORK/$name.h2load" 2>&1 || true
  printf '%-11s %14s\n' "$name" "$(awk '/^finished in/ {print $4}' "$WORK/$name.h2load")" | tee -a "$RESULTS.h2"
}

# each front started and warmed in turn, then stopped until its rounds
for front in $FRONTS; do
  case "$front" in
    gatehouse) start_gatehouse gatehouse "$DIST" "${GATEHOUSE_JAVA_OPTS:-$GATEHOUSE_DEFAULT_OPTS}" ;;
    gatehouse-b) start_gatehouse gatehouse-b "${DIST_B:-$DIST}" "${GATEHOUSE_B_JAVA_OPTS:-$GATEHOUSE_DEFAULT_OPTS}" ;;
    nginx) start_nginx ;;
    haproxy) start_haproxy ;;
    *) echo "unknown front $front" >&2; exit 1 ;;
  esac
  URLS[$front]="$URL"; FRONT_PID[$front]="${PIDS[-1]}"
  curl -sk -D - -o /dev/null "$URL" > "$WORK/$front.headers"
  case "$front" in nginx|haproxy) warm "$front" 5 ;; *) warm "$front" "$WARMUP" ;; esac
  pause_front "$front"
done

# the measured rounds, the fronts alternated in each, so that a machine that speeds up or slows down over the run
# (on a shared host it does) weighs on every front alike; the ratios are taken round by round
# load: the 1-minute load average after the run; on a shared machine, compare only runs with a similar load
# cpu us/req: the front's CPU time (all its processes) during the wrk run divided by the requests wrk completed;
# of sys: the part of it spent in the kernel (system calls, and the loopback network stack they run)
# vol/inv cs: the front's voluntary and involuntary (preempted) context switches per request, every thread
# segs/req: TCP segments the machine sent per request (client, front and backends; pure ACKs included)
printf '%-11s %5s %12s %10s %10s %10s %12s %8s %11s %9s %8s\n' "front" "round" "wrk req/s" "p50" "p90" "p99" "cpu us/req" "of sys" "vol/inv cs" "segs/req" "load" | tee "$RESULTS"
for round in $(seq 1 "$ROUNDS"); do
  for front in $FRONTS; do resume_front "$front"; measure "$front" "$round"; pause_front "$front"; done
done
if command -v h2load >/dev/null; then
  echo
  printf '%-11s %14s\n' "front" "h2load req/s" | tee "$RESULTS.h2"
  for front in $FRONTS; do resume_front "$front"; measure_h2 "$front"; pause_front "$front"; done
fi
for front in $FRONTS; do resume_front "$front"; done

# per front, the median of its rounds; against NGINX, the ratio in each round and their median
echo
python3 - "$RESULTS" <<'PY'
import re, statistics, sys
def ms(v):
    m = re.match(r'([\d.]+)(us|ms|s)$', v)
    return float(m.group(1)) * {'us': 1e-3, 'ms': 1.0, 's': 1e3}[m.group(2)] if m else float('nan')
rows = {}
for line in open(sys.argv[1]).read().splitlines()[1:]:
    f = line.split()
    rows.setdefault(f[0], {})[int(f[1])] = (float(f[2]), ms(f[5]))
for front, by_round in rows.items():
    print(f"{front:<11} median of {len(by_round)} rounds: {statistics.median(r for r, _ in by_round.values()):,.0f} req/s,"
          f" p99 {statistics.median(p for _, p in by_round.values()):.2f} ms;"
          f" best round: {max(r for r, _ in by_round.values()):,.0f} req/s, p99 {min(p for _, p in by_round.values()):.2f} ms")
def against(front, base):
    both = sorted(set(rows[front]) & set(rows[base]))
    rps = [rows[front][r][0] / rows[base][r][0] for r in both]
    p99 = [rows[front][r][1] / rows[base][r][1] for r in both]
    print(f"{front}/{base}, round by round: req/s " + " ".join(f"{x:.2f}x" for x in rps)
          + f" (median {statistics.median(rps):.2f}x); p99 " + " ".join(f"{x:.2f}x" for x in p99)
          + f" (median {statistics.median(p99):.2f}x)")
    best = max(r for r, _ in rows[front].values()) / max(r for r, _ in rows[base].values())
    best99 = min(p for _, p in rows[front].values()) / min(p for _, p in rows[base].values())
    print(f"{front}/{base}, best round against best round: req/s {best:.2f}x, p99 {best99:.2f}x")
for front in rows:
    if front != 'nginx' and 'nginx' in rows:
        against(front, 'nginx')
if 'gatehouse-b' in rows and 'gatehouse' in rows:
    against('gatehouse-b', 'gatehouse')
PY
echo
echo "machine: $(nproc) CPUs, $(awk -F: '/model name/ {print $2; exit}' /proc/cpuinfo | xargs), $(free -g | awk '/Mem/ {print $2}') GB RAM, $(uname -r), $(java -version 2>&1 | head -1)"
echo "versions: $(nginx -v 2>&1), $(haproxy -v | head -1), $(wrk -v 2>&1 | head -1)"
echo "work dir (configs, raw outputs, response headers): $WORK"
