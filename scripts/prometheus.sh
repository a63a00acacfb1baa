#!/usr/bin/env bash
# The Prometheus server the metrics test scrapes the worker with (Debian package
# `prometheus`; the test starts its own server on a free port with its own config).
#   scripts/prometheus.sh install   install the package when missing (apt-get, as root)
#   scripts/prometheus.sh path      print the server's path, or say how to get it (exit 1)
set -uo pipefail

BIN="${DIF_PROMETHEUS_BIN:-/usr/bin/prometheus}"

install() {
  [ -x "$BIN" ] && return 0
  if [ "$(id -u)" != 0 ]; then
    echo "prometheus: not installed; run as root: apt-get install -y --no-install-recommends prometheus" >&2
    return 1
  fi
  echo "prometheus: installing the Debian package (apt-get)" >&2
  export DEBIAN_FRONTEND=noninteractive
  # The package's own service is not started: no init system runs it here, and the test runs its own.
  apt-get install -y --no-install-recommends prometheus >&2 \
    || { apt-get update >&2 && apt-get install -y --no-install-recommends prometheus >&2; } \
    || { echo "prometheus: could not install; run: apt-get update && apt-get install -y prometheus" >&2; return 1; }
}

case "${1:-path}" in
  install) install ;;
  path)
    if [ -x "$BIN" ]; then echo "$BIN"; else echo "prometheus: $BIN is missing; run: bash scripts/prometheus.sh install" >&2; exit 1; fi ;;
  *) echo "usage: scripts/prometheus.sh install|path" >&2; exit 2 ;;
esac
