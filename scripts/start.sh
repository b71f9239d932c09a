#!/usr/bin/env bash
# npm start: install what is missing, then run the whole system in the foreground.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# shellcheck source=scripts/node-path.sh
source scripts/node-path.sh
exec node --import tsx scripts/start.ts
