/**
 * Preloaded into a CLI process (`node --require`): at exit it writes the path of every module the
 * process loaded, one a line, to the file EVVM_LOADED_MODULES names. start.test.ts reads it.
 */
import { writeFileSync } from 'node:fs';

const out = process.env.EVVM_LOADED_MODULES;
if (out) process.on('exit', () => writeFileSync(out, Object.keys(require.cache).join('\n') + '\n'));
