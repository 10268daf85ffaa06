import path from 'node:path';
import { mkdir, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { ISupportCodeLibrary } from '@cucumber/cucumber/api';
import type { FaultRun, FaultRunResult } from '../../engine/fault-pool';
import type { Requirement } from '../../catalogue/types';
import { defaultParallel, parseParallel, PARALLEL_HELP } from './parallel';
import { isKnownFault } from '../../../simulators/faults';
import { interactive, UsageError } from '../usage';

export interface FaultKill {
  fault: string;
  killed: boolean;
  /** scenarios of the requirement that ran with the fault on */
  scenarios: number;
  /** the scenarios that went red, by name */
  failedScenarios: string[];
  verdict: string;
}

export interface SelftestResult {
  clean: 'pass' | 'fail';
  holes: number;
  /** requirements that did not pass with every fault off */
  cleanFailures: string[];
  requirements: Array<{ id: string; faults: FaultKill[]; hole?: string }>;
}

/**
 * The kill matrix (design.md "Faults: the suite tests itself"): with no fault every covered requirement
 * passes; with each of a requirement's faults on, its scenarios must go red. A fault they survive, or a
 * covered requirement without any fault, is a hole in the suite. With `parallel` > 1 the clean run's
 * scenarios and then the fault runs go several at once; the matrix is the same.
 */
export async function selftest(progress: (line: string) => void, options: { parallel?: number; tags?: string } = {}): Promise<SelftestResult> {
  // loaded when the selftest runs, not when the CLI starts (require: this build is CommonJS)
  const { openHandover, runSuite } = require('../../engine/run') as typeof import('../../engine/run');
  const { FaultPool } = require('../../engine/fault-pool') as typeof import('../../engine/fault-pool');
  const { loadCatalogue } = require('../../catalogue') as typeof import('../../catalogue');
  const parallel = options.parallel ?? 1;
  const catalogue = loadCatalogue();
  const handover = parallel > 1 ? await openHandover() : undefined;
  // started now, so the workers load while the clean run runs
  const pool = handover ? new FaultPool(parallel, handover) : undefined;
  try {
    const clean = await runSuite({ faults: [], topology: 'embedded', parallel, ...(options.tags ? { tags: options.tags } : {}), ...(handover ? { handover } : {}) });
    const covered = clean.report.requirements.filter((r) => r.scenarios.length > 0);
    const cleanFailures = covered.filter((r) => r.verdict !== 'pass' && r.verdict !== 'not-applicable').map((r) => `${r.id} (${r.verdict})`);
    progress(`clean run: ${covered.length - cleanFailures.length}/${covered.length} covered requirements pass`);
    const runs: FaultRun[] = covered.flatMap((req) => faultsOf(catalogue, req.id).filter(isKnownFault).map((fault) => ({ fault, requirement: req.id, ...(options.tags ? { within: options.tags } : {}) })));
    const done = (run: FaultRun, r: FaultRunResult): void => {
      const killed = r.verdict === 'fail' || r.verdict === 'warning';
      progress(`${killed ? 'killed  ' : 'SURVIVED'} ${run.requirement} ${run.fault} (${r.verdict}, ${r.failedScenarios.length}/${r.scenarios} scenarios red)`);
    };
    const results = pool ? await pool.run(runs, done) : await faultRunsInTurn(runs, clean.support, done);
    const requirements = covered.map((req) => killMatrixEntry(req.id, faultsOf(catalogue, req.id), runs, results));
    const holes = requirements.reduce((n, r) => n + (r.hole ? 1 : 0) + r.faults.filter((f) => !f.killed).length, 0);
    return { clean: cleanFailures.length === 0 ? 'pass' : 'fail', holes, cleanFailures, requirements };
  } finally {
    pool?.close();
    await handover?.close();
  }
}

function faultsOf(catalogue: readonly Requirement[], id: string): string[] {
  return catalogue.find((c) => c.id === id)?.faults ?? [];
}

/** The fault runs one after another in this process, reusing the clean run's support code. */
async function faultRunsInTurn(runs: readonly FaultRun[], support: ISupportCodeLibrary, done: (run: FaultRun, r: FaultRunResult) => void): Promise<FaultRunResult[]> {
  const { runFault } = require('../../engine/fault-pool') as typeof import('../../engine/fault-pool');
  const results: FaultRunResult[] = [];
  for (const run of runs) {
    const ran = await runFault(run, support);
    support = ran.support;
    done(run, ran.result);
    results.push(ran.result);
  }
  return results;
}

/** One requirement's row of the kill matrix, its faults in the catalogue's order. */
function killMatrixEntry(id: string, faults: readonly string[], runs: readonly FaultRun[], results: readonly FaultRunResult[]): SelftestResult['requirements'][number] {
  const entry: SelftestResult['requirements'][number] = { id, faults: [] };
  if (faults.length === 0) entry.hole = 'no fault switch violates it';
  for (const fault of faults) {
    const i = runs.findIndex((r) => r.requirement === id && r.fault === fault);
    const r = results[i];
    if (!r) {
      entry.faults.push({ fault, killed: false, scenarios: 0, failedScenarios: [], verdict: 'unknown fault' });
      continue;
    }
    entry.faults.push({ fault, killed: r.verdict === 'fail' || r.verdict === 'warning', scenarios: r.scenarios, failedScenarios: r.failedScenarios, verdict: r.verdict });
  }
  return entry;
}

export function registerSelftestCommand(program: Command, setStatus: (s: number) => void): void {
  program
    .command('selftest')
    .description('prove the suite: every covered requirement passes clean and goes red under each of its faults')
    .option('--json', 'print the kill matrix as JSON')
    .option('--out <dir>', 'also write selftest.json there')
    .option('--parallel <n>', PARALLEL_HELP, parseParallel)
    .option('--tags <expr>', 'prove only the scenarios this cucumber tag expression selects')
    .action(async (opts: { json?: boolean; out?: string; parallel?: number; tags?: string }) => {
      const started = Date.now();
      const { checkSelection, NothingSelectedError } = require('../../engine/select') as typeof import('../../engine/select');
      if (opts.tags) await checkSelection(opts.tags).catch((err: Error) => {
        throw err instanceof NothingSelectedError ? new UsageError(err.message) : err;
      });
      const result = await selftest((line) => {
        if (!opts.json || interactive()) process.stderr.write(line + '\n');
      }, { parallel: opts.parallel ?? defaultParallel(), ...(opts.tags ? { tags: opts.tags } : {}) });
      const json = JSON.stringify(result, null, 2);
      if (opts.out) {
        await mkdir(opts.out, { recursive: true });
        await writeFile(path.join(opts.out, 'selftest.json'), json + '\n');
      }
      if (opts.json) process.stdout.write(json + '\n');
      else {
        const faults = result.requirements.reduce((n, r) => n + r.faults.length, 0);
        process.stdout.write(`selftest: clean ${result.clean}, ${faults} faults over ${result.requirements.length} requirements, ${result.holes} hole(s), ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
        for (const f of result.cleanFailures) process.stdout.write(`clean failure: ${f}\n`);
        for (const r of result.requirements) {
          if (r.hole) process.stdout.write(`hole: ${r.id}: ${r.hole}\n`);
          for (const f of r.faults) if (!f.killed) process.stdout.write(`hole: ${r.id} survives ${f.fault} (${f.verdict})\n`);
        }
      }
      setStatus(result.clean === 'pass' && result.holes === 0 ? 0 : 1);
    });
}
