#!/usr/bin/env bash
# npm test: type-check and build, unit and interoperability tests, then the conformance suite and its
# selftest (the kill matrix) through the real CLI, as a user would run them.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${EVVM_TEST_OUT:-reports/test}
rm -rf "$out"
mkdir -p "$out"

npm run -s build  # from scratch: roles and their implementations are found by folder, so a stale file would load
# the layering (.dependency-cruiser.cjs): evidence, simulators (protocol below roles), harness, steps
npm run --silent lint:deps
# the test files by name (Node 22+ no longer takes a folder) and TAP (no longer Node 24's default reporter)
shopt -s globstar
node --test --test-concurrency=2 --test-reporter=tap dist/tests/**/*.test.js | tee "$out/unit.tap"
node dist/harness/cli/main.js requirements > /dev/null
node dist/harness/cli/main.js run --out "$out/run"
# the full run's page, its evidence embedded, must stay small enough to mail
html_bytes=$(wc -c < "$out/run/conformance.html")
[ "$html_bytes" -lt 1500000 ] || { echo "conformance.html of the full run is $html_bytes bytes, over 1.5 MB"; exit 1; }
node dist/harness/cli/main.js selftest --out "$out/selftest"

# one closing line for whoever reads the end of the log (CI): the unit and interoperability tests' count
passed=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$out/unit.tap" | tail -1)
failed=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$out/unit.tap" | tail -1)
echo "tests: ${passed:-0} passed, ${failed:-0} failed"
