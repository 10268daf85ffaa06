/**
 * The `cr analyze` and `cr diff` commands without commander: read the files, check the options, render,
 * write, and return the exit status (0 clean, 1 a --fail-on category triggered). Bad input throws
 * CrInputError, which the CLI prints on one line with exit status 2.
 */
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { readInputFile } from '../input';
import * as path from 'node:path';
import { CatalogueError, findProjectRoot, loadCatalogue } from '../catalogue/index';
import { scanFeatures, type ScenarioRef } from '../catalogue/features';
import type { Requirement } from '../catalogue/types';
import { analyzeCr, statementContext } from './analyze';
import { diffCr, looksLikeCatalogue, type SuiteRunner, withRun } from './diff';
import { ANALYZE_FAIL_ON, CrInputError, DEFAULT_ANALYZE_FAIL_ON, DEFAULT_DIFF_FAIL_ON, DIFF_FAIL_ON, parseFailOn } from './failon';
import { DEFAULT_THRESHOLD } from './match';
import type { CrAnalysis, CrDiff } from './model';
import { OUTPUT_FORMATS, type OutputFormat, renderAnalysis, renderDiff } from './render';

/** A CR is a few pages; anything bigger is the wrong file. */
const MAX_BYTES = 5 * 1024 * 1024;

export interface CommonOptions {
  format?: string;
  out?: string;
  failOn?: string;
  /** similarity below which a statement is new (0..1) */
  threshold?: string;
  /** another requirement catalogue than harness/catalogue/requirements.yaml */
  catalogue?: string;
}

export interface DiffCommandOptions extends CommonOptions {
  run?: boolean;
}

export interface CrEnvironment {
  /** defaults: the project's catalogue (or --catalogue) and features/ */
  catalogue?: readonly Requirement[];
  scenarios?: readonly ScenarioRef[];
  /** the suite runner for --run, loaded only when needed */
  runner?: () => SuiteRunner;
  progress?: boolean;
  stdout?: (s: string) => void;
}

/** Reads a CR, clause or catalogue file; every failure is one line naming the file. */
export function readInput(file: string): string {
  let size: number;
  try {
    const st = statSync(file);
    if (!st.isFile()) throw new CrInputError(`${file}: not a file`);
    size = st.size;
  } catch (e) {
    if (e instanceof CrInputError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new CrInputError(`${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (e as Error).message}`);
  }
  if (size > MAX_BYTES) throw new CrInputError(`${file}: ${size} bytes is too large for a change request (limit ${MAX_BYTES})`);
  let text: string;
  try {
    text = readInputFile(file, MAX_BYTES);
  } catch (e) {
    throw new CrInputError(`${file}: cannot read: ${(e as Error).message}`);
  }
  if (text.includes('\u0000')) throw new CrInputError(`${file}: not a text file (CR text as plain text or Markdown is expected)`);
  return text;
}

function outputFormat(value: string | undefined): OutputFormat {
  const f = (value ?? 'text').toLowerCase();
  if (f === 'md') return 'markdown';
  if (!(OUTPUT_FORMATS as readonly string[]).includes(f)) throw new CrInputError(`--format: unknown format "${value}" (known: ${OUTPUT_FORMATS.join(', ')})`);
  return f as OutputFormat;
}

function threshold(value: string | undefined): number {
  if (value === undefined) return DEFAULT_THRESHOLD;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > 1) throw new CrInputError(`--threshold: expected a number in (0, 1], got "${value}"`);
  return n;
}

function catalogueOf(opts: CommonOptions, env: CrEnvironment): readonly Requirement[] {
  if (opts.catalogue) {
    readInput(opts.catalogue); // the same one-line errors as for the CR file
    try {
      return loadCatalogue(opts.catalogue);
    } catch (e) {
      if (e instanceof CatalogueError) throw new CrInputError(e.message);
      throw e;
    }
  }
  return env.catalogue ?? loadCatalogue();
}

function emit(rendered: string, summary: string, opts: CommonOptions, env: CrEnvironment): void {
  const stdout = env.stdout ?? ((s: string) => void process.stdout.write(s));
  if (!opts.out) {
    stdout(rendered);
    return;
  }
  const out = path.resolve(opts.out);
  try {
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, rendered);
  } catch (e) {
    throw new CrInputError(`--out ${opts.out}: cannot write: ${(e as Error).message}`);
  }
  stdout(`${summary}; written to ${opts.out}\n`);
}

export interface AnalyzeResult {
  analysis: CrAnalysis;
  status: 0 | 1;
}

/** `cr analyze FILE`. */
export function analyzeCommand(file: string, opts: CommonOptions = {}, env: CrEnvironment = {}): AnalyzeResult {
  const format = outputFormat(opts.format);
  const failOn = parseFailOn(opts.failOn, ANALYZE_FAIL_ON, DEFAULT_ANALYZE_FAIL_ON);
  const t = threshold(opts.threshold);
  const text = readInput(file);
  if (looksLikeCatalogue(text)) throw new CrInputError(`${file}: this is a requirement catalogue, not CR text (compare catalogues with "cr diff OLD NEW")`);
  const catalogue = catalogueOf(opts, env);
  const scenarios = env.scenarios ?? scanFeatures(findProjectRoot());
  const analysis = analyzeCr(text, { fileName: file, catalogue, scenarios, threshold: t, failOn });
  const s = analysis.summary;
  emit(
    renderAnalysis(analysis, format),
    `cr analyze ${file}: ${s.statements} statements, ${s.uncovered} uncovered, ${s.errors} lint errors; exit ${analysis.exit.status}`,
    opts,
    env,
  );
  return { analysis, status: analysis.exit.status };
}

export interface DiffResult {
  diff: CrDiff;
  status: 0 | 1;
}

/** `cr diff OLD NEW [--run]`. */
export async function diffCommand(oldFile: string, newFile: string, opts: DiffCommandOptions = {}, env: CrEnvironment = {}): Promise<DiffResult> {
  const format = outputFormat(opts.format);
  const failOn = parseFailOn(opts.failOn, DIFF_FAIL_ON, DEFAULT_DIFF_FAIL_ON);
  const t = threshold(opts.threshold);
  const oldText = readInput(oldFile);
  const newText = readInput(newFile);
  const catalogue = catalogueOf(opts, env);
  const ctx = statementContext(catalogue, env.scenarios ?? scanFeatures(findProjectRoot()), t);
  let diff = diffCr({ file: oldFile, text: oldText }, { file: newFile, text: newText }, ctx, { failOn });
  if (opts.run) {
    if (!env.runner) throw new CrInputError('--run: no suite runner is available here');
    diff = await withRun(diff, env.runner(), failOn, env.progress ?? false);
  }
  emit(
    renderDiff(diff, format),
    `cr diff ${oldFile} ${newFile}: ${diff.changes.length} changes (${diff.summary.removed} removed, ${diff.summary.weakened} weakened); exit ${diff.exit.status}`,
    opts,
    env,
  );
  return { diff, status: diff.exit.status };
}
