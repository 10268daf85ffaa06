/**
 * The catalogue and the feature files as parsed, kept on disk under the hash of everything they are
 * derived from: the texts, the compiled code that parses them and the parser libraries installed. With
 * nothing changed, `requirements`, `cr` and the start of a run load neither the YAML parser, the schema
 * library nor the Gherkin parser (half a second of a command's start). Only parsed data that passed its
 * checks is kept: an invalid catalogue or feature file is parsed, and reported, every time.
 *
 * The folder is dist/.cache (build output, removed by `npm run build`); one file per kind of data, the
 * previous one removed when a new one is written. A folder that cannot be written means no cache.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const FOLDER = path.resolve(__dirname, '../../.cache');

/** What identifies an installed library: where its entry file is, its size and when it was written. */
export function libraryIdentity(name: string): string {
  const entry = require.resolve(name);
  const st = statSync(entry);
  return `${entry}:${st.size}:${st.mtimeMs}`;
}

/**
 * `derive()`, or what it returned before for the same `inputs` (texts, and the file names of the code
 * that derives: its compiled source is hashed too). The value must survive JSON (plain data).
 */
export function derived<T>(kind: string, code: readonly string[], inputs: readonly string[], derive: () => T): T {
  const hash = createHash('sha256');
  for (const file of code) hash.update(readFileSync(file)).update('\0');
  for (const input of inputs) hash.update(`${input.length}:`).update(input);
  const file = path.join(FOLDER, `${kind}-${hash.digest('hex').slice(0, 32)}.json`);
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    // not there yet (or torn by a crash): derived again and written below
  }
  const value = derive();
  try {
    mkdirSync(FOLDER, { recursive: true });
    for (const old of readdirSync(FOLDER)) if (old.startsWith(`${kind}-`)) rmSync(path.join(FOLDER, old), { force: true });
    // written whole, then renamed: parallel workers deriving at once never read half a file
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(value));
    renameSync(tmp, file);
  } catch {
    // a read-only installation: derived every time, as without the cache
  }
  return value;
}
