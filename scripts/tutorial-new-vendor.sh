#!/usr/bin/env bash
# Runs docs/tutorial-new-vendor.md from start to end and prints each command with its real
# output: a vendor scaffolded from an OpenAPI document, edited, validated, tried against a
# mock (scripts/tutorial/mock-klaviyo.js), recorded as fixtures, and given a contract table
# that `npx jest` runs. Needs the services (npm run services -- up) and a build (npm run build).
# Uses the test databases unless DIF_MYSQL_URL / DIF_POSTGRES_URL say otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
WORK=$(mktemp -d /tmp/dif-tutorial-XXXXXX)
VENDOR=tutorial-klaviyo
PORT=${DIF_TUTORIAL_PORT:-18471}
KEY='pk_tutorial_0123456789abcdef'   # a made-up private key, never printed (dif masks it)
CUSTOMER=tutorial-acme-$$
export DIF_MYSQL_URL=${DIF_MYSQL_URL:-${DIF_TEST_MYSQL_URL:-mysql://root@127.0.0.1:3306/dif_test}}
export DIF_POSTGRES_URL=${DIF_POSTGRES_URL:-${DIF_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/dif_test}}
export DIF_KMS=local DIF_LOCAL_KEYRING=$WORK/keyring.json DIF_OBJECT_STORE_DIR=$WORK/objects DIF_ALLOW_LOOPBACK_HTTP=1
export DIF_VENDORS_DIR=$WORK/vendors

MOCK_PID=
cleanup() {
  [ -n "$MOCK_PID" ] && kill "$MOCK_PID" 2>/dev/null || true
  rm -rf "$ROOT/vendors/$VENDOR" "$WORK"
}
trap cleanup EXIT

# Shows a command as typed (paths shortened to $WORK), runs it, and its exit code when not 0.
step() {
  local shown=() arg
  for arg in "$@"; do
    arg=${arg//$WORK/\$WORK}
    if [[ $arg =~ [^A-Za-z0-9_./:=@\$-] ]]; then shown+=("'$arg'"); else shown+=("$arg"); fi
  done
  echo
  echo "\$ ${shown[*]}"
  local rc=0
  "$@" > "$WORK/.out" 2>&1 || rc=$?
  sed "s#$WORK#\$WORK#g" "$WORK/.out"
  if [ "$rc" -ne 0 ]; then echo "(exit $rc)"; fi
}
dif() { node "$ROOT/dist/cli/dif.js" "$@"; }

echo "## 1. Scaffold from the OpenAPI document"
step dif scaffold --openapi test/fixtures/openapi/klaviyo-get-images.json
step dif scaffold --openapi test/fixtures/openapi/klaviyo-get-images.json --operation get_images --vendor $VENDOR --out "$WORK"

echo
echo "## 2. Edit: the stream and table named for what they hold"
CONFIG=$WORK/vendors/$VENDOR/config.json
node -e '
  const fs = require("fs"); const f = process.argv[1]; const c = JSON.parse(fs.readFileSync(f, "utf8"));
  c.streams = { images: c.streams.get_images }; c.streams.images.table.name = "tutorial_klaviyo_images";
  fs.writeFileSync(f, JSON.stringify(c, null, 2) + "\n");' "$CONFIG"
echo '(streams.get_images renamed streams.images, its table tutorial_klaviyo_images)'
step dif validate "$WORK/vendors/$VENDOR"

echo
echo "## 3. A customer, and dif try against the mock"
node "$ROOT/scripts/tutorial/mock-klaviyo.js" "$PORT" "Klaviyo-API-Key $KEY" & MOCK_PID=$!
sleep 1
step dif customers add "$CUSTOMER" --name "Acme (tutorial)"
step dif customers set-vendor "$CUSTOMER" $VENDOR --inputs '{}' --overrides "{\"baseUrl\":\"http://127.0.0.1:$PORT\"}"
echo
echo "\$ printf %s \"Klaviyo-API-Key \$KEY\" | dif credentials set $VENDOR api_key --customer $CUSTOMER"
printf %s "Klaviyo-API-Key $KEY" | dif credentials set $VENDOR api_key --customer "$CUSTOMER" 2>&1
step dif try $VENDOR --customer "$CUSTOMER" --stream images --from 2026-11-01

echo
echo "## 4. Record the exchanges as fixtures"
step dif fixtures record $VENDOR --customer "$CUSTOMER" --stream images --from 2026-11-01 --out "$WORK/vendors/$VENDOR/fixtures"
step ls "$WORK/vendors/$VENDOR/fixtures"

echo
echo "## 5. The contract table, and npx jest"
cat > "$WORK/vendors/$VENDOR/contract.json" <<JSON
{
  "description": "GET /api/images paged by links.next; the private key in Authorization; a wrong key fails the run with Klaviyo's message.",
  "routes": [
    { "method": "GET", "pathPattern": "^/api/", "when": { "not": { "headers": { "authorization": "Klaviyo-API-Key pk_test_SECRET" } } },
      "status": 401, "body": "{\"errors\":[{\"status\":401,\"code\":\"not_authenticated\",\"detail\":\"Missing or invalid private key.\"}]}" },
    { "method": "GET", "path": "/api/images", "when": { "query": { "page[cursor]": { "\$absent": true } } }, "file": "01-list.json" },
    { "method": "GET", "path": "/api/images", "when": { "query": { "page[cursor]": "p2" } }, "file": "02-list.json" }
  ],
  "cases": [
    {
      "name": "images: two pages by links.next, rows loaded",
      "secrets": { "api_key": "Klaviyo-API-Key pk_test_SECRET" },
      "runs": [{
        "window": { "from": "2026-11-01", "to": "2026-11-01" },
        "expect": {
          "status": "COMPLETED",
          "rows": [{ "table": "tutorial_klaviyo_images", "columns": ["id", "attributes_name"], "orderBy": "id",
                     "equals": [["7", "spring-banner"], ["8", "logo"], ["9", "footer"]] }],
          "requests": [{ "path": "/api/images", "items": [{ "query": { "page[size]": "100" } }, { "query": { "page[cursor]": "p2" } }],
                         "each": { "headers": { "revision": "2026-07-15" } } }]
        }
      }]
    },
    {
      "name": "a wrong key: 401 fails the run at once with Klaviyo's message",
      "secrets": { "api_key": "Klaviyo-API-Key pk_wrong_SECRET" },
      "runs": [{ "window": { "from": "2026-11-01", "to": "2026-11-01" },
                 "expect": { "status": "FAILED", "error": { "\$regex": "answered 401: .*Missing or invalid private key" },
                             "requests": [{ "path": "/api/images", "count": 1 }] } }]
    }
  ]
}
JSON
echo "(wrote \$WORK/vendors/$VENDOR/contract.json: the routes answer with the recorded files)"
cp -r "$WORK/vendors/$VENDOR" "$ROOT/vendors/$VENDOR"
echo
echo "\$ cp -r \$WORK/vendors/$VENDOR vendors/ && DIF_CONTRACT_VENDOR=$VENDOR npx jest --runInBand test/integration/vendors/contracts.test.ts"
DIF_CONTRACT_VENDOR=$VENDOR npx jest --runInBand test/integration/vendors/contracts.test.ts 2>&1 | grep -v '^Force exiting' | sed "s#$WORK#\$WORK#g"
