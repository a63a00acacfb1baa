#!/usr/bin/env bash
# Records docs/backfill-session.txt: a backfill planned, interrupted (Ctrl-C on the CLI),
# watched again, re-run (all windows skipped), then found with dif list and dif status.
# Uses its own task queue, port and customer so it never meets another worker's runs.
# Run: script -q -c "bash scripts/backfill-session.sh" docs/backfill-session.txt
set -euo pipefail
# The mock vendor (and so the customer's baseUrl) is plain http on loopback: the worker
# and the CLI accept that only with this setting.
export DIF_ALLOW_LOOPBACK_HTTP=1
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export DIF_TASK_QUEUE="${DIF_TASK_QUEUE:-dif-backfill-session}"
PORT="${DIF_SESSION_VENDOR_PORT:-8097}"
CUSTOMER="${DIF_SESSION_CUSTOMER:-acme-$(date +%s)}"
dif() { echo "\$ dif $*"; node dist/cli/dif.js "$@"; }
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT
API_KEY="s-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
DEMO_ADS_API_KEY="$API_KEY" node dist/test/mock-vendor/main.js --port "$PORT" --delay-ms 1200 >/dev/null 2>&1 & pids+=($!)
node dist/workers/main.js >/dev/null 2>&1 & pids+=($!)
node dist/cli/dif.js customers add "$CUSTOMER" --name "Acme"
node dist/cli/dif.js customers set-vendor "$CUSTOMER" demo-ads --inputs '{"account_id":"act_1001"}' --overrides "{\"baseUrl\":\"http://127.0.0.1:$PORT\"}"
printf '%s' "$API_KEY" | node dist/cli/dif.js credentials set demo-ads api_key --customer "$CUSTOMER"
sleep 2
dif backfill demo-ads --customer "$CUSTOMER" --from 2026-08-01 --to 2026-09-25 --window 7d --parallel 2 --dry-run
echo; echo '# start it, and press Ctrl-C after a few seconds: the backfill goes on in Temporal'
set +e
echo "\$ dif backfill demo-ads --customer $CUSTOMER --from 2026-08-01 --to 2026-09-25 --window 7d --parallel 2   # Ctrl-C after 5 s"
timeout -s INT 5 node dist/cli/dif.js backfill demo-ads --customer "$CUSTOMER" --from 2026-08-01 --to 2026-09-25 --window 7d --parallel 2
echo "(exit $?)"
echo; echo '# the same command again: joins the running backfill and watches it to the end'
dif backfill demo-ads --customer "$CUSTOMER" --from 2026-08-01 --to 2026-09-25 --window 7d --parallel 2
echo "(exit $?)"
echo; echo '# once more after it finished: every window completed before, so every window is skipped'
dif backfill demo-ads --customer "$CUSTOMER" --from 2026-08-01 --to 2026-09-25 --window 7d --parallel 2
echo "(exit $?)"
echo
dif status "backfill/demo-ads/$CUSTOMER/2026-08-01..2026-09-25/7d"
dif list --vendor demo-ads --customer "$CUSTOMER" --type ingest --limit 3
dif status no-such-run
echo "(exit $?)"
