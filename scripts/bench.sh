#!/usr/bin/env bash
# npm run bench -- [name...]: starts the services, builds, and runs the named benchmarks
# (all when none is named). stdout holds only the figures, one JSON line each:
#   {"bench","metric","unit","dif","baseline","baselineName","ratio","higherIsBetter"}
# everything else goes to stderr. `npm run bench -- --list` names the benches.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/prepare.sh >&2

# The preprocess bench measures Miller (Debian package miller) and reads peak RSS with GNU
# time (package time). Installed here when missing, since the bench needs them.
need_debs=()
if [ $# -eq 0 ] || printf '%s\n' "$@" | grep -qx preprocess; then
  command -v mlr >/dev/null 2>&1 || need_debs+=(miller)
  [ -x /usr/bin/time ] || need_debs+=(time)
fi
if [ ${#need_debs[@]} -gt 0 ]; then
  echo "bench: installing ${need_debs[*]} (apt-get) for the preprocess baseline" >&2
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo -n"
  if ! { $sudo_cmd apt-get update -qq && $sudo_cmd apt-get install -y -qq "${need_debs[@]}"; } >&2; then
    echo "bench: could not install ${need_debs[*]}; install them (apt-get install ${need_debs[*]}) and run again" >&2
    exit 1
  fi
fi
npm run --silent build >&2
exec node dist/bench/index.js "$@"
