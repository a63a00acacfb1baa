#!/usr/bin/env bash
# npm run bench -- [name...]: starts the services, builds, and runs the named benchmarks
# (all when none is named). stdout holds only the figures, one JSON line each:
#   {"bench","metric","unit","dif","baseline","baselineName","ratio","higherIsBetter"}
# everything else goes to stderr. `npm run bench -- --list` names the benches.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/prepare.sh >&2
npm run --silent build >&2
exec node dist/bench/index.js "$@"
