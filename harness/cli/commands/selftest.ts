import path from 'node:path';
import { mkdir, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { RequirementResult } from '../../report/model';
import { isKnownFault } from '../../../simulators/faults';
import { interactive } from '../usage';

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
 * covered requirement without any fault, is a hole in the suite.
 */
export async function selftest(progress: (line: string) => void): Promise<SelftestResult> {
  // loaded when the selftest runs, not when the CLI starts (require: this build is CommonJS)
  const { runSuite } = require('../../engine/run') as typeof import('../../engine/run');
  const { loadCatalogue } = require('../../catalogue') as typeof import('../../catalogue');
  const catalogue = loadCatalogue();
  const clean = await runSuite({ faults: [], topology: 'embedded' });
  const covered = clean.report.requirements.filter((r) => r.scenarios.length > 0);
  const cleanFailures = covered.filter((r) => r.verdict !== 'pass' && r.verdict !== 'not-applicable').map((r) => `${r.id} (${r.verdict})`);
  progress(`clean run: ${covered.length - cleanFailures.length}/${covered.length} covered requirements pass`);
  let support = clean.support;
  const requirements: SelftestResult['requirements'] = [];
  for (const req of covered) {
    const faults = catalogue.find((c) => c.id === req.id)?.faults ?? [];
    const entry: SelftestResult['requirements'][number] = { id: req.id, faults: [] };
    if (faults.length === 0) entry.hole = 'no fault switch violates it';
    for (const fault of faults) {
      if (!isKnownFault(fault)) {
        entry.faults.push({ fault, killed: false, scenarios: 0, failedScenarios: [], verdict: 'unknown fault' });
        continue;
      }
      const run = await runSuite({ faults: [fault], topology: 'embedded', tags: `@${req.id}`, support });
      support = run.support;
      const result = run.report.requirements.find((r) => r.id === req.id) as RequirementResult;
      const killed = result.verdict === 'fail' || result.verdict === 'warning';
      entry.faults.push({
        fault,
        killed,
        scenarios: result.scenarios.length,
        failedScenarios: result.scenarios.filter((s) => s.outcome === 'fail').map((s) => s.name),
        verdict: result.verdict,
      });
      progress(`${killed ? 'killed  ' : 'SURVIVED'} ${req.id} ${fault} (${result.verdict}, ${result.scenarios.filter((s) => s.outcome === 'fail').length}/${result.scenarios.length} scenarios red)`);
    }
    requirements.push(entry);
  }
  const holes = requirements.reduce((n, r) => n + (r.hole ? 1 : 0) + r.faults.filter((f) => !f.killed).length, 0);
  return { clean: cleanFailures.length === 0 ? 'pass' : 'fail', holes, cleanFailures, requirements };
}

export function registerSelftestCommand(program: Command, setStatus: (s: number) => void): void {
  program
    .command('selftest')
    .description('prove the suite: every covered requirement passes clean and goes red under each of its faults')
    .option('--json', 'print the kill matrix as JSON')
    .option('--out <dir>', 'also write selftest.json there')
    .action(async (opts: { json?: boolean; out?: string }) => {
      const started = Date.now();
      const result = await selftest((line) => {
        if (!opts.json || interactive()) process.stderr.write(line + '\n');
      });
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
