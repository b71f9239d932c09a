#!/usr/bin/env bash
# npm test: the unit layer first (test/**/*.unit.test.ts: no PostgreSQL, no Temporal dev server, done in
# seconds), then type-check, lint and formatting, then every other test under test/ (workflows on Temporal,
# the processes end to end, the fault suite, the browser). `npm run test:unit` runs the unit layer alone;
# `npm test -- FILE...` runs the files named. Tests start their own Temporal servers, Halo stand-ins and
# databases on 127.0.0.1 and stop them.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# shellcheck source=scripts/node-path.sh
source scripts/node-path.sh

run() { node --import tsx --test --test-timeout=600000 --test-reporter=spec "$@"; }
mapfile -t unit < <(find test -name '*.unit.test.ts' | sort)
mapfile -t system < <(find test -name '*.test.ts' ! -name '*.unit.test.ts' | sort)

if [ "${1:-}" = "--unit" ]; then
  echo "[test] unit layer: ${#unit[@]} files" >&2
  exec node --import tsx --test --test-concurrency=2 --test-timeout=120000 --test-reporter=spec "${unit[@]}"
fi
if [ "$#" -gt 0 ]; then run --test-concurrency=1 "$@"; exit; fi

echo "[test] unit layer: ${#unit[@]} files" >&2
run --test-concurrency=2 "${unit[@]}"
echo "[test] type-check" >&2
npx tsc --noEmit
echo "[test] lint" >&2
npx eslint --max-warnings=0 .
echo "[test] formatting" >&2
npx prettier --check --log-level=warn .

echo "[test] ${#system[@]} system test files" >&2
# One file at a time: the fault suite restarts the local PostgreSQL server, which must not hit another file.
run --test-concurrency=1 "${system[@]}"
