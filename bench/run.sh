#!/usr/bin/env bash
# Measures tools/call through a preset versus straight to the upstream (see bench/README.md).
# Needs the local PostgreSQL (MGW_BENCH_PG_URL) and free ports 9500, 18080-18081, 19090.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_RUN=${SECONDS_PER_RUN:-10}
PG_URL=${MGW_BENCH_PG_URL:-postgresql://postgres@127.0.0.1:5432/test}
SCHEMA=bench_$(date +%s)
ADMIN=bench-admin-$(head -c 24 /dev/urandom | base64 | tr -d "/+=")  # MGW_ADMIN_API_KEY needs 32+ characters
BENCH_JAR=bench/target/mcp-gateway-bench.jar
GATEWAY_JAR=app/target/mcp-gateway.jar
[ -f "$BENCH_JAR" ] && [ -f "$GATEWAY_JAR" ] || mvn -B -q -DskipTests package

cleanup() { kill "${UP_PID:-}" "${GW_PID:-}" 2>/dev/null || true; psql -q "${PG_URL}" -c "DROP SCHEMA IF EXISTS $SCHEMA CASCADE" >/dev/null 2>&1 || true; }
trap cleanup EXIT

java -cp "$BENCH_JAR" io.mcpgateway.bench.MinimalUpstream 9500 > /tmp/mgw-bench-upstream.log 2>&1 & UP_PID=$!
MGW_PG_URL=$PG_URL MGW_PG_SCHEMA=$SCHEMA MGW_ADMIN_API_KEY=$ADMIN MGW_HTTP_PORT=18080 MGW_MANAGEMENT_PORT=18081 \
  MGW_METRICS_PORT=19090 MGW_HTTP_HOST=127.0.0.1 MGW_TRUSTED_PROXIES=127.0.0.1 java -jar "$GATEWAY_JAR" > /tmp/mgw-bench-gateway.log 2>&1 & GW_PID=$!
until curl -sf localhost:18080/ready >/dev/null; do sleep 0.2; done

api() { curl -sf -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' "$@"; }
SERVER=$(api -X POST localhost:18081/api/v1/servers -d '{"slug":"minimal","name":"Minimal","transport":"streamable_http","url":"http://127.0.0.1:9500/mcp"}' | sed 's/.*"id":"\([^"]*\)".*/\1/')
PRESET=$(api -X POST localhost:18081/api/v1/presets -d '{"slug":"bench","name":"Bench","visibility":"public","rateLimitPerMinute":1000000}' | sed 's/.*"id":"\([^"]*\)".*/\1/')
api -X PUT "localhost:18081/api/v1/presets/$PRESET/servers/$SERVER" -d '{"enabled":true,"allowedToolNames":[]}' > /dev/null

echo "| target | concurrency | calls/s | p50 ms | p99 ms | errors |"
echo "|---|---|---|---|---|---|"
for c in 1 16 64; do
  for target in direct preset; do
    url=http://127.0.0.1:9500/mcp; [ $target = preset ] && url=http://127.0.0.1:18080/mcp/bench
    line=$(java -cp "$BENCH_JAR" io.mcpgateway.bench.LoadGenerator "$url" "$c" "$SECONDS_PER_RUN" 2>/dev/null | tail -1)
    tp=$(echo "$line" | sed 's/.*"throughput":\([0-9.]*\).*/\1/'); p50=$(echo "$line" | sed 's/.*"p50_ms":\([0-9.]*\).*/\1/')
    p99=$(echo "$line" | sed 's/.*"p99_ms":\([0-9.]*\).*/\1/'); err=$(echo "$line" | sed 's/.*"errors":\([0-9]*\).*/\1/')
    echo "| $target | $c | $tp | $p50 | $p99 | $err |"
  done
done
echo
echo "gateway RSS after the runs: $(grep VmRSS /proc/$GW_PID/status | awk '{print $2/1024 " MiB"}')"
