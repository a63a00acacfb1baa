#!/usr/bin/env bash
# npm run demo: from a fresh clone to rows in Postgres. Installs what it needs, starts the
# services, migrates, starts a worker and the mock vendor, runs one ingestion, and ends by
# printing one JSON line: {"workflowId","status","recordsFetched","rowsLoaded","uiUrl"}.
set -euo pipefail
# The mock vendor (and so the customer's baseUrl) is plain http on loopback: the worker
# and the CLI accept that only with this setting.
export DIF_ALLOW_LOOPBACK_HTTP=1
cd "$(dirname "${BASH_SOURCE[0]}")/.."
DIF_HOME="${DIF_HOME:-$HOME/.cache/dif}"; LOG_DIR="$DIF_HOME/log"; mkdir -p "$LOG_DIR"
PORT="${DIF_DEMO_VENDOR_PORT:-8091}"
CUSTOMER=demo-customer
FROM="${DIF_DEMO_FROM:-2026-11-01}"; TO="${DIF_DEMO_TO:-2026-11-07}"

bash scripts/prepare.sh
echo "demo: building" >&2
npm run --silent build >&2
dif() { node dist/cli/dif.js "$@"; }
dif db migrate >&2

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

# A fresh API key per demo: the mock vendor demands it, DIF stores it encrypted.
API_KEY="demo-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
DEMO_ADS_API_KEY="$API_KEY" node dist/test/mock-vendor/main.js --port "$PORT" >>"$LOG_DIR/demo-vendor.log" 2>&1 &
pids+=($!)
node dist/workers/main.js >>"$LOG_DIR/worker.log" 2>&1 &
pids+=($!)

dif customers add "$CUSTOMER" --name "Demo Customer" >&2
dif customers set-vendor "$CUSTOMER" demo-ads --inputs '{"account_id":"act_1001"}' \
  --overrides "{\"baseUrl\":\"http://127.0.0.1:$PORT\"}" >&2
printf '%s' "$API_KEY" | dif credentials set demo-ads api_key --customer "$CUSTOMER" >&2

echo "demo: ingesting demo-ads for $CUSTOMER, $FROM..$TO (worker log: $LOG_DIR/worker.log)" >&2
dif run demo-ads --customer "$CUSTOMER" --from "$FROM" --to "$TO" --json
