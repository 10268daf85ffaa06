/** Writers render to memory first (so writeReports can scrub everything), then write here. */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';

/** Unique temporary names even when two writers share a folder in one process. */
let tmpSeq = 0;

export interface OutputFile {
  /** relative to the output folder, forward slashes */
  path: string;
  content: string;
}

/** Absolute path of an output file; refuses anything that would land outside the output folder. */
export function outputPath(dir: string, rel: string): string {
  const root = resolve(dir);
  const full = resolve(root, ...rel.split('/'));
  if (!full.startsWith(root + sep)) throw new Error(`report file outside the output folder: ${rel}`);
  return full;
}

/**
 * Writes each file through a temporary name and a rename, so a reader (a CI job, a browser) never sees
 * half a report. Returns the absolute paths, in order.
 */
export async function writeOutputFiles(dir: string, files: readonly OutputFile[]): Promise<string[]> {
  const written: string[] = [];
  const made = new Set<string>();
  for (const f of files) {
    const full = outputPath(dir, f.path);
    const parent = dirname(full);
    if (!made.has(parent)) {
      await mkdir(parent, { recursive: true });
      made.add(parent);
    }
    const tmp = join(parent, `.${process.pid}.${tmpSeq++}.tmp`);
    await writeFile(tmp, f.content, 'utf8');
    await rename(tmp, full);
    written.push(full);
  }
  return written;
}
