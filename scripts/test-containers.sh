#!/usr/bin/env bash
# npm run test:containers: the suite with every simulator in its own container (needs a Docker engine):
# the same verdict for every requirement as the embedded run, a fault still caught, and nothing left
# behind after a run or a Ctrl-C. The containers run's reports go to reports/test/containers.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${EVVM_TEST_OUT:-reports/test}
rm -rf "$out/containers"
mkdir -p "$out/containers"

npm run -s build  # from scratch: roles and their implementations are found by folder, so a stale file would load
EVVM_CONTAINER_TESTS=1 EVVM_CONTAINERS_OUT="$out/containers" \
  node --test --test-concurrency=1 dist/tests/containers/containers.test.js | tee "$out/containers.tap"

passed=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$out/containers.tap" | tail -1)
failed=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$out/containers.tap" | tail -1)
grep -h '^# wall time' "$out/containers.tap" || true
echo "container tests: ${passed:-0} passed, ${failed:-0} failed"
[ "${failed:-1}" = 0 ]
