#!/usr/bin/env bash
# Everything the demo and the tests need on a machine like the project's (Node 20, Go, and
# MariaDB, Redis and PostgreSQL installed): npm packages, the Go-built services, all
# services up. Idempotent and quiet when there is nothing to do.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "prepare: installing npm packages (npm ci)" >&2
  npm ci --no-audit --no-fund >&2
fi
bash scripts/install-tools.sh >&2
bash scripts/services.sh up >&2 || { bash scripts/services.sh status >&2; exit 1; }
