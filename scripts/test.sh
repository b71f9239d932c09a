#!/usr/bin/env bash
# npm test: type-check, lint, formatting, then every test under test/ (unit, workflow, end-to-end).
# Tests start their own Temporal dev servers, Halo stand-ins and databases on 127.0.0.1 and stop them.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# shellcheck source=scripts/node-path.sh
source scripts/node-path.sh

echo "[test] type-check" >&2
npx tsc --noEmit
echo "[test] lint" >&2
npx eslint --max-warnings=0 .
echo "[test] formatting" >&2
npx prettier --check --log-level=warn .

mapfile -t files < <(find test -name '*.test.ts' | sort)
if [ "$#" -gt 0 ]; then files=("$@"); fi
echo "[test] ${#files[@]} test files" >&2
# One file at a time: the fault suite restarts the local PostgreSQL server, which must not hit another file.
exec node --import tsx --test --test-concurrency=1 --test-timeout=600000 --test-reporter=spec "${files[@]}"
