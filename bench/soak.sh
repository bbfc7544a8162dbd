#!/usr/bin/env bash
# Soak (issue 17 "Done when"): normal load on a healthy preset before, during and after a hostile phase in which
# a second preset's three hostile upstreams (50 MB body, endless SSE, never answering) are called in loops and
# 2,000 sessions are opened and abandoned. Prints the load's error rate per phase and the node's RSS over time.
# Needs the local PostgreSQL (MGW_BENCH_PG_URL), python3, and free ports 9500, 9600, 18080-18081, 19090.
set -euo pipefail
cd "$(dirname "$0")/.."
PHASE=${SOAK_PHASE_SECONDS:-30}
AFTER_PHASE=${SOAK_AFTER_SECONDS:-$PHASE}
ABANDON=${SOAK_SESSIONS:-2000}
# The node's heap is bounded as a container limit would bound it, so growth shows as GC work or an OOM, not RSS.
JAVA_OPTS=${SOAK_JAVA_OPTS:--Xmx512m}
PG_URL=${MGW_BENCH_PG_URL:-postgresql://postgres@127.0.0.1:5432/test}
SCHEMA=soak_$(date +%s)
ADMIN=soak-admin-$(head -c 24 /dev/urandom | base64 | tr -d "/+=")
BENCH_JAR=bench/target/mcp-gateway-bench.jar
GATEWAY_JAR=app/target/mcp-gateway.jar
OUT=${SOAK_OUT:-/tmp/mgw-soak}
mkdir -p "$OUT" && rm -f "$OUT"/*.txt
[ -f "$BENCH_JAR" ] && [ -f "$GATEWAY_JAR" ] || mvn -B -q -DskipTests package

cleanup() {
  kill "${UP_PID:-}" "${HOSTILE_PID:-}" "${GW_PID:-}" "${RSS_PID:-}" 2>/dev/null || true
  for p in "${LOOP_PIDS[@]:-}"; do kill "$p" 2>/dev/null || true; done
  psql -q "${PG_URL}" -c "DROP SCHEMA IF EXISTS $SCHEMA CASCADE" >/dev/null 2>&1 || true
}
trap cleanup EXIT

java -cp "$BENCH_JAR" io.mcpgateway.bench.MinimalUpstream 9500 > "$OUT/upstream.log" 2>&1 & UP_PID=$!
python3 bench/hostile_upstream.py 9600 > "$OUT/hostile.log" 2>&1 & HOSTILE_PID=$!
# One caller (127.0.0.1) opens all 2,000 abandoned sessions here, so its per-caller cap is raised for the run.
MGW_PG_URL=$PG_URL MGW_PG_SCHEMA=$SCHEMA MGW_ADMIN_API_KEY=$ADMIN MGW_HTTP_PORT=18080 MGW_MANAGEMENT_PORT=18081 \
  MGW_METRICS_PORT=19090 MGW_HTTP_HOST=127.0.0.1 MGW_SESSIONS_PER_CALLER=10000 \
  java $JAVA_OPTS -jar "$GATEWAY_JAR" > "$OUT/gateway.log" 2>&1 & GW_PID=$!
until curl -sf localhost:18080/ready >/dev/null; do sleep 0.2; done

api() { curl -sf -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' "$@"; }
id() { sed 's/.*"id":"\([^"]*\)".*/\1/'; }
server() { api -X POST localhost:18081/api/v1/servers -d "{\"slug\":\"$1\",\"name\":\"$1\",\"transport\":\"streamable_http\",\"url\":\"$2\"}" | id; }
preset() { api -X POST localhost:18081/api/v1/presets -d "{\"slug\":\"$1\",\"name\":\"$1\",\"visibility\":\"public\",\"rateLimitPerMinute\":1000000}" | id; }
link() { api -X PUT "localhost:18081/api/v1/presets/$1/servers/$2" -d '{"enabled":true,"allowedToolNames":[]}' > /dev/null; }
NORMAL=$(preset soak-normal); link "$NORMAL" "$(server minimal http://127.0.0.1:9500/mcp)"
HOSTILE=$(preset soak-hostile)
for kind in big sse hang; do link "$HOSTILE" "$(server "hostile-$kind" "http://127.0.0.1:9600/mcp/$kind")"; done

rss() { grep VmRSS /proc/$GW_PID/status | awk '{printf "%d", $2/1024}'; }
(while sleep 5; do echo "$(date +%s) $(rss)" >> "$OUT/rss.txt"; done) & RSS_PID=$!
load() { java -cp "$BENCH_JAR" io.mcpgateway.bench.LoadGenerator http://127.0.0.1:18080/mcp/soak-normal 16 "${1:-$PHASE}" 2>/dev/null | tail -1; }
heap() { jcmd "$GW_PID" GC.heap_info 2>/dev/null | grep -iE "garbage-first heap|used" | head -1 | sed 's/^ *//'; }
sessions() { curl -s localhost:19090/metrics | awk '/^mgw_sessions /{print $2}'; }
mcp() {
  local session=(); [ -n "$2" ] && session=(-H "Mcp-Session-Id: $2")
  curl -s -m "${3:-40}" -D - -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' \
    "${session[@]}" -d "$1" http://127.0.0.1:18080/mcp/soak-hostile
}
INIT='{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"soak","version":"1"}}}'
hostile_loop() {
  while true; do
    s=$(mcp "$INIT" "" 10 | tr -d '\r' | awk -F': ' 'tolower($1)=="mcp-session-id"{print $2}')
    out=$(mcp "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"$1_tool\",\"arguments\":{}}}" "$s" 40 | tail -c 300)
    echo "$(date +%s) $1 $(echo "$out" | tr -d '\n' | tail -c 200)" >> "$OUT/hostile-calls.txt"
  done
}

echo "RSS idle: $(rss) MiB"
BEFORE=$(load); echo "before: $BEFORE RSS $(rss) MiB"
LOOP_PIDS=()
for kind in big sse hang; do hostile_loop "$kind" & LOOP_PIDS+=($!); done
# Abandoned sessions, eight openers at a time so the 2,000 fit in the phase; each line of abandoned.txt is one session.
(seq 1 "$ABANDON" | xargs -P 8 -I{} sh -c "curl -s -m 5 -o /dev/null -w '%{http_code}\\n' -H 'Content-Type: application/json' \
  -H 'Accept: application/json, text/event-stream' -d '$INIT' http://127.0.0.1:18080/mcp/soak-hostile >> $OUT/abandoned.txt") \
  & LOOP_PIDS+=($!)
DURING=$(load); echo "during: $DURING RSS $(rss) MiB"
for p in "${LOOP_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
# (curls still under way end by their own -m timeout)
echo "heap after the hostile phase: $(heap); live session views: $(sessions)"
AFTER=$(load "$AFTER_PHASE"); echo "after: $AFTER RSS $(rss) MiB"
jcmd "$GW_PID" GC.run >/dev/null 2>&1 || true
echo "heap after a full GC: $(heap); live session views: $(sessions)"
echo "largest classes on the heap:"; jcmd "$GW_PID" GC.class_histogram 2>/dev/null | sed -n 3,12p
echo "hostile calls answered: $(wc -l < "$OUT/hostile-calls.txt"); samples:"
for kind in big sse hang; do echo "$kind: $(grep -c " $kind " "$OUT/hostile-calls.txt" || true) answered; $(grep -m1 " $kind " "$OUT/hostile-calls.txt" | cut -c1-240 || true)"; done
echo "sessions abandoned: $(grep -c '^200' "$OUT/abandoned.txt" 2>/dev/null || echo 0) opened (of $(wc -l < "$OUT/abandoned.txt" 2>/dev/null || echo 0) tried; status counts: $(sort "$OUT/abandoned.txt" | uniq -c | tr '\n' ' '))"
echo "metrics: $(curl -s localhost:19090/metrics | grep -E '^mgw_metrics_(dropped|rejected)_events' | tr '\n' ' ')"
echo "RSS samples (every 5 s): max $(awk '$2>m{m=$2} END{print m}' "$OUT/rss.txt") MiB, last $(tail -1 "$OUT/rss.txt" | cut -d' ' -f2) MiB"
