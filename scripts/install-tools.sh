#!/usr/bin/env bash
# Builds the Go-based services DIF's tests and demo need (Temporal CLI dev server, an
# S3-compatible server, local-kms) into a cache outside the clone, so a fresh clone on
# the same machine reuses them. Idempotent: a tool already built at its pinned version
# is left alone. Versions are pinned here and nowhere else.
set -euo pipefail

TOOLS_DIR="${DIF_TOOLS_DIR:-$HOME/.cache/dif/bin}"
mkdir -p "$TOOLS_DIR"
export PATH="/usr/local/go/bin:$PATH"

if ! command -v go >/dev/null 2>&1; then
  echo "install-tools: Go is not installed; install Go 1.22+ (it builds temporal, versitygw, local-kms)" >&2
  exit 1
fi

# name|module@version — temporal v1.5.1 is the newest tag `go install` accepts
# (later tags carry a `replace` directive).
TOOLS=(
  "temporal|github.com/temporalio/cli/cmd/temporal@v1.5.1"
  "versitygw|github.com/versity/versitygw/cmd/versitygw@v1.8.0"
  "local-kms|github.com/nsmithuk/local-kms@v0.0.0-20260228092603-2a5e92d09ab6"
)

only="${1:-}"
for entry in "${TOOLS[@]}"; do
  name="${entry%%|*}"; module="${entry#*|}"
  [ -n "$only" ] && [ "$only" != "$name" ] && continue
  stamp="$TOOLS_DIR/.$name.version"
  if [ -x "$TOOLS_DIR/$name" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$module" ]; then
    continue
  fi
  echo "install-tools: building $name from $module (first time only; a few minutes)" >&2
  GOBIN="$TOOLS_DIR" GOFLAGS="-trimpath" go install "$module"
  echo "$module" > "$stamp"
done
