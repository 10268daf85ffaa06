#!/usr/bin/env bash
# npm test: type-check and build, unit and interoperability tests, then the conformance suite and its
# selftest (the kill matrix) through the real CLI, as a user would run them.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${EVVM_TEST_OUT:-reports/test}
rm -rf "$out"
mkdir -p "$out"

npx tsc -p tsconfig.json
node --test --test-concurrency=2 dist/tests/ | tee "$out/unit.tap"
node dist/harness/cli/main.js requirements > /dev/null
node dist/harness/cli/main.js run --out "$out/run"
node dist/harness/cli/main.js selftest --out "$out/selftest"

# one closing line for whoever reads the end of the log (CI): the unit and interoperability tests' count
passed=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$out/unit.tap" | tail -1)
failed=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$out/unit.tap" | tail -1)
echo "tests: ${passed:-0} passed, ${failed:-0} failed"
