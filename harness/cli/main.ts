#!/usr/bin/env node
/**
 * `evvm-conformance`. Asked only for its version, it reads package.json and loads nothing else (no
 * commander, no command: a tenth of a second on the 2-core machine); anything else is the program.
 */
const asked = process.argv.slice(2);
if (asked.length === 1 && (asked[0] === '--version' || asked[0] === '-V')) {
  process.stdout.write(`${(require('../version') as typeof import('../version')).HARNESS_VERSION}\n`);
} else {
  require('./program');
}
