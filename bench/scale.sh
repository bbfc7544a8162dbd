#!/usr/bin/env bash
# Issue 15 figures (see bench/README.md): the gateway with 1 and N data-plane instances against a bare Vert.x
# forwarder with 1 and N instances, on the minimal upstream; then two clustered nodes used with no affinity;
# then RSS with SESSIONS live sessions. Prints Markdown tables. Needs the local PostgreSQL and Redis and free
# ports 9510, 9610, 18280-18281, 18380-18381, 19290, 19390, 15801-15802. Nothing is asserted.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_RUN=${SECONDS_PER_RUN:-8}
N=${INSTANCES:-$(nproc)}
CONCURRENCY=${CONCURRENCY:-"16 64"}
SESSIONS=${SESSIONS:-10000}
STREAMS=${STREAMS:-1000}
PARTS=${PARTS:-"instances cluster memory"}
ROUNDS=${ROUNDS:-5}
WARMUP_SECONDS=${WARMUP_SECONDS:-30}
# The same heap for every JVM of the instances part, touched up front: a heap still growing costs page faults
# (kernel time) that are start-up, not steady state.
JVM_FLAGS=${JVM_FLAGS:-"-Xms1g -Xmx1g -XX:+AlwaysPreTouch"}
PG_URL=${MGW_BENCH_PG_URL:-postgresql://postgres@127.0.0.1:5432/test}
REDIS_URL=${MGW_BENCH_REDIS_URL:-redis://127.0.0.1:6379}
SCHEMA=bench_scale_$(date +%s)
ADMIN=bench-admin-$(openssl rand -hex 16)   # the bootstrap key needs at least 32 characters
KEY=$(openssl rand -base64 32)
BENCH_JAR=bench/target/mcp-gateway-bench.jar
GATEWAY_JAR=app/target/mcp-gateway.jar
[ -f "$BENCH_JAR" ] && [ -f "$GATEWAY_JAR" ] || mvn -B -q -DskipTests package
PIDS=()

cleanup() {
  for p in "${PIDS[@]:-}"; do kill "$p" 2>/dev/null || true; done
  psql -q "$PG_URL" -c "DROP SCHEMA IF EXISTS $SCHEMA CASCADE" >/dev/null 2>&1 || true
}
trap cleanup EXIT

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }   # user + system CPU of a process, in 1/100 s
rss() { grep VmRSS "/proc/$1/status" | awk '{printf "%.0f", $2 / 1024}'; }
field() { echo "$1" | sed "s/.*\"$2\":\([0-9.]*\).*/\1/"; }

# gateway NAME HTTP_PORT MGMT_PORT METRICS_PORT INSTANCES [ENV=VALUE...]: starts a node, sets GW_PID
gateway() {
  local name=$1 http=$2 mgmt=$3 metrics=$4 instances=$5; shift 5
  env MGW_PG_URL="$PG_URL" MGW_PG_SCHEMA="$SCHEMA" MGW_ADMIN_API_KEY="$ADMIN" MGW_SECRET_KEY="$KEY" \
    MGW_HTTP_HOST=127.0.0.1 MGW_HTTP_PORT="$http" MGW_MANAGEMENT_PORT="$mgmt" MGW_METRICS_PORT="$metrics" \
    MGW_GATEWAY_INSTANCES="$instances" MGW_SESSIONS_PER_CALLER=100000 MGW_TRUSTED_PROXIES=127.0.0.1 MGW_DATA_DIR="/tmp/mgw-bench-$name" "$@" \
    java -jar "$GATEWAY_JAR" > "/tmp/mgw-bench-$name.log" 2>&1 &
  GW_PID=$!; PIDS+=("$GW_PID")
  until curl -sf "localhost:$http/ready" >/dev/null; do
    kill -0 "$GW_PID" 2>/dev/null || { echo "gateway $name exited:"; tail -3 "/tmp/mgw-bench-$name.log"; exit 1; }
    sleep 0.2
  done
}
stop() { kill "$1"; wait "$1" 2>/dev/null || true; }

# warm TARGET_URL: a discarded run so a freshly started JVM is compiled before it is measured
warm() { java -cp "$BENCH_JAR" io.mcpgateway.bench.LoadGenerator "$1" 16 "${CLUSTER_WARMUP_SECONDS:-6}" - >/dev/null 2>&1 || true; }

# load NAME PID URL CONCURRENCY [CALL_URLS]: one closed-loop run; prints a table row with CPU µs per call of PID
load() {
  local name=$1 pid=$2 url=$3 c=$4 calls_to=${5:-}
  local before after line calls
  before=$(ticks "$pid")
  line=$(java -cp "$BENCH_JAR" io.mcpgateway.bench.LoadGenerator "$url" "$c" "$SECONDS_PER_RUN" - $calls_to 2>/dev/null | tail -1)
  after=$(ticks "$pid")
  calls=$(field "$line" calls)
  # The process's CPU covers the 2 s warm-up as well: divide by warm-up + measured calls (same rate).
  local total=$(( calls * (SECONDS_PER_RUN + 2) / SECONDS_PER_RUN ))
  echo "| $name | $c | $(field "$line" throughput) | $(field "$line" p50_ms) | $(field "$line" p99_ms) | $(( (after - before) * 10000 / (total > 0 ? total : 1) )) | $(field "$line" errors) |"
}

java -cp "$BENCH_JAR" io.mcpgateway.bench.MinimalUpstream 9510 > /tmp/mgw-bench-upstream.log 2>&1 & UP_PID=$!; PIDS+=("$UP_PID")
sleep 1
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg); $N instances = nproc unless INSTANCES is set"

# The server and preset, made once through a first node; every later node uses the same schema.
gateway setup 18280 18281 19290 1
api() { curl -sf -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' "$@"; }
SERVER=$(api -X POST localhost:18281/api/v1/servers -d '{"slug":"minimal","name":"Minimal","transport":"streamable_http","url":"http://127.0.0.1:9510/mcp"}' | sed 's/.*"id":"\([^"]*\)".*/\1/')
PRESET=$(api -X POST localhost:18281/api/v1/presets -d '{"slug":"bench","name":"Bench","visibility":"public","rateLimitPerMinute":1000000}' | sed 's/.*"id":"\([^"]*\)".*/\1/')
api -X PUT "localhost:18281/api/v1/presets/$PRESET/servers/$SERVER" -d '{"enabled":true,"allowedToolNames":[]}' > /dev/null
stop "$GW_PID"

HEADER="| target | concurrency | calls/s | p50 ms | p99 ms | CPU µs/call (target process) | errors |
|---|---|---|---|---|---|---|"

if [[ " $PARTS " == *" instances "* ]]; then
  # The forwarder and the gateway run side by side and are measured in turn by one warm load generator
  # (Alternating: ROUNDS rounds of SECONDS_PER_RUN each, the median round reported), every JVM with the same flags.
  echo; echo "### One instance vs $N instances, and the bare forwarder (median of $ROUNDS alternating rounds)"; echo; echo "$HEADER"
  for inst in 1 "$N"; do
    # shellcheck disable=SC2086
    java $JVM_FLAGS -cp "$BENCH_JAR" io.mcpgateway.bench.BareForwarder 9610 http://127.0.0.1:9510/mcp "$inst" > /tmp/mgw-bench-fwd.log 2>&1 & FWD=$!; PIDS+=("$FWD")
    sleep 1
    gateway single 18280 18281 19290 "$inst" JAVA_TOOL_OPTIONS="$JVM_FLAGS"
    for c in $CONCURRENCY; do
      java -cp "$BENCH_JAR" io.mcpgateway.bench.Alternating "$c" "$SECONDS_PER_RUN" "$ROUNDS" "$WARMUP_SECONDS" \
          "forwarder ×$inst=http://127.0.0.1:9610/mcp=$FWD" "gateway ×$inst=http://127.0.0.1:18280/mcp/bench=$GW_PID" 2>/dev/null \
        | tee -a /tmp/mgw-bench-rounds.jsonl | grep '"round":"median"' | while read -r line; do
          t=$(echo "$line" | sed 's/.*"target":"\([^"]*\)".*/\1/')
          echo "| $t | $c | $(field "$line" throughput) | $(field "$line" p50_ms) | $(field "$line" p99_ms) | $(field "$line" cpu_us_per_call) | $(field "$line" errors) |"
        done
    done
    echo "| (gateway ×$inst RSS after: $(rss "$GW_PID") MiB) | | | | | | |"
    stop "$GW_PID"; stop "$FWD"
  done
fi

if [[ " $PARTS " == *" cluster "* ]]; then
  echo; echo "### Two clustered nodes (Redis rate limits), calls round-robin per request"; echo; echo "$HEADER"
  CL="MGW_REDIS_URL=$REDIS_URL MGW_CLUSTER=true MGW_CLUSTER_HOST=127.0.0.1 MGW_CLUSTER_MEMBERS=127.0.0.1:15801,127.0.0.1:15802"
  # shellcheck disable=SC2086
  gateway a 18280 18281 19290 "$N" $CL MGW_CLUSTER_PORT=15801; A=$GW_PID
  # shellcheck disable=SC2086
  gateway b 18380 18381 19390 "$N" $CL MGW_CLUSTER_PORT=15802; B=$GW_PID
  A_URL=http://127.0.0.1:18280/mcp/bench; B_URL=http://127.0.0.1:18380/mcp/bench
  warm "$A_URL"; warm "$B_URL"
  for c in $CONCURRENCY; do
    load "one node (A): open on A, call A" "$A" "$A_URL" "$c"
    load "cross-node: open on A, call B" "$B" "$A_URL" "$c" "$B_URL"
    load "two nodes: open on A, call A,B,A,B…" "$A" "$A_URL" "$c" "$A_URL,$B_URL"
  done
  echo "(CPU column: the node named in the row's target; for round-robin rows, node A only)"
  stop "$A"; stop "$B"
fi

if [[ " $PARTS " == *" memory "* ]]; then
  echo; echo "### $SESSIONS live sessions on one node ($STREAMS with an open GET stream)"; echo
  gateway mem 18280 18281 19290 "$N"
  idle=$(rss "$GW_PID")
  java -cp "$BENCH_JAR" io.mcpgateway.bench.SessionsBench http://127.0.0.1:18280/mcp/bench "$SESSIONS" "$STREAMS" 20 > /tmp/mgw-bench-sessions.out 2>&1 & SB=$!
  until grep -q '"sessions"' /tmp/mgw-bench-sessions.out 2>/dev/null; do sleep 0.5; kill -0 "$SB" || break; done
  sleep 3
  echo "sessions bench: $(grep '"sessions"' /tmp/mgw-bench-sessions.out)"
  echo "gateway RSS: idle $idle MiB, with the sessions live $(rss "$GW_PID") MiB"
  jcmd "$GW_PID" GC.run >/dev/null 2>&1 || true
  sleep 1
  echo "after a full GC: RSS $(rss "$GW_PID") MiB; heap: $(jcmd "$GW_PID" GC.heap_info 2>/dev/null | grep -Eo 'used [0-9]+K' | head -1)"
  wait "$SB" || true
  stop "$GW_PID"
fi
