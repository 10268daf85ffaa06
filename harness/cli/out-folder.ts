/**
 * `--out DIR`: a run replaces the previous run's files, so nothing stale (evidence of scenarios this run
 * did not select, an old bundle) sits beside the new report; a folder that holds something else is
 * refused rather than mixed into, or emptied.
 */
import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from './usage';
import { BUNDLE, PUBLIC_KEY } from '../certify/names';

/** Everything `run` and `certify` write into their output folder. */
export const RUN_OUTPUTS = ['conformance.json', 'conformance.html', 'junit.xml', 'messages.ndjson', 'evidence', 'pki', BUNDLE, PUBLIC_KEY] as const;

/**
 * Makes DIR ready for a run: a missing or empty folder is used as it is; a folder holding a previous
 * report (a conformance.json this tool wrote) loses that report's files, and keeps anything else; any
 * other non-empty folder is a UsageError.
 */
export async function prepareOutFolder(dir: string): Promise<void> {
  let entries: string[];
  try {
    if (!(await stat(dir)).isDirectory()) throw new UsageError(`--out ${dir}: not a folder`);
    entries = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    if (err instanceof UsageError) throw err;
    throw new UsageError(`--out ${dir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  if (entries.length === 0) return;
  if (!(await holdsReport(dir))) throw new UsageError(`--out ${dir}: the folder is not empty and holds no previous report (conformance.json); name a new or empty folder, or a previous report's`);
  for (const name of RUN_OUTPUTS) await rm(path.join(dir, name), { recursive: true, force: true });
}

async function holdsReport(dir: string): Promise<boolean> {
  const { readJsonReport } = require('../report/json') as typeof import('../report/json');
  try {
    await readJsonReport(path.join(dir, 'conformance.json'));
    return true;
  } catch {
    return false;
  }
}
