/**
 * Selftest's fault runs several at once: a pool of worker processes, each running one fault run at a
 * time in-process (reusing its support code between runs, as a sequential selftest does), all with the
 * run's one PKI and set of accounts (handover.ts). Answers come back in the order asked, whatever order
 * they finish in, so the kill matrix does not depend on the number of workers.
 */
import { fork, type ChildProcess } from 'node:child_process';
import type { ISupportCodeLibrary } from '@cucumber/cucumber/api';
import type { RequirementResult } from '../report/model';
import { runSuite } from './run';
import type { Handover } from './handover';
import { scanFeatures } from '../catalogue/features';
import { projectRoot } from '../paths';

/** One fault run: the fault on, the scenarios of one requirement selected. */
export interface FaultRun {
  fault: string;
  requirement: string;
  /** a tag expression the run stays within (a selftest of a slice of the suite) */
  within?: string;
}

/** What a fault run says about its requirement. */
export interface FaultRunResult {
  verdict: string;
  scenarios: number;
  /** the scenarios that went red, by name */
  failedScenarios: string[];
}

/**
 * The feature files holding a requirement's scenarios: a fault run reads those, not the whole suite
 * (cucumber parses every file it is given on every run, and selftest makes a hundred runs).
 */
function featureFilesOf(requirement: string): string[] {
  return [...new Set(scanFeatures(projectRoot()).filter((s) => s.requirementIds.includes(requirement)).map((s) => s.uri))];
}

/** Runs one fault run in this process, reusing `support` (the support code a previous run loaded) when given. */
export async function runFault(run: FaultRun, support?: ISupportCodeLibrary): Promise<{ result: FaultRunResult; support: ISupportCodeLibrary }> {
  const tags = run.within ? `@${run.requirement} and (${run.within})` : `@${run.requirement}`;
  const files = featureFilesOf(run.requirement);
  const suite = await runSuite({ faults: [run.fault], topology: 'embedded', tags, ...(files.length > 0 ? { featureFiles: files } : {}), ...(support ? { support } : {}) });
  const result = suite.report.requirements.find((r) => r.id === run.requirement) as RequirementResult;
  return {
    result: {
      verdict: result.verdict,
      scenarios: result.scenarios.length,
      failedScenarios: result.scenarios.filter((s) => s.outcome === 'fail').map((s) => s.name),
    },
    support: suite.support,
  };
}

type Answer = { index: number; result: FaultRunResult } | { index: number; error: string };

/** The worker's side: fault runs asked over IPC, answered one at a time. */
function serve(): void {
  let support: ISupportCodeLibrary | undefined;
  process.on('message', (msg: { index: number; run: FaultRun }) => {
    runFault(msg.run, support).then(
      (ran) => {
        support = ran.support;
        process.send!({ index: msg.index, result: ran.result } satisfies Answer);
      },
      (err: Error) => process.send!({ index: msg.index, error: err.message } satisfies Answer),
    );
  });
  // the coordinator is gone: nobody is left to answer
  process.on('disconnect', () => process.exit(0));
}

/**
 * Worker processes for fault runs. Started before they are needed (selftest starts them before its clean
 * run) so their loading overlaps other work.
 */
export class FaultPool {
  private readonly children: ChildProcess[];
  /** why a worker ended before it was asked to, if one did */
  private ended?: string;

  constructor(workers: number, handover: Handover) {
    this.children = Array.from({ length: workers }, () => {
      const child = fork(__filename, [], { env: { ...process.env, ...handover.env() }, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
      child.on('exit', (code, signal) => (this.ended ??= `a selftest worker ended (${signal ?? `exit ${code}`}) before its fault runs were done`));
      child.on('error', (err) => (this.ended ??= `a selftest worker failed: ${err.message}`));
      return child;
    });
  }

  /**
   * Runs every fault run; `done` hears each as it finishes. Rejects if a run fails or a worker dies: a
   * fault run that did not happen must not read as a survived (or killed) fault.
   */
  run(runs: readonly FaultRun[], done: (run: FaultRun, result: FaultRunResult) => void): Promise<FaultRunResult[]> {
    const results: FaultRunResult[] = new Array(runs.length);
    let next = 0;
    let finished = 0;
    return new Promise((resolve, reject) => {
      if (this.ended) return reject(new Error(this.ended));
      if (runs.length === 0) return resolve(results);
      const give = (child: ChildProcess): void => {
        if (next < runs.length) child.send({ index: next, run: runs[next++] });
      };
      for (const child of this.children) {
        child.on('message', (answer: Answer) => {
          const run = runs[answer.index]!;
          if ('error' in answer) return reject(new Error(`fault run ${run.fault} on ${run.requirement}: ${answer.error}`));
          results[answer.index] = answer.result;
          done(run, answer.result);
          if (++finished === runs.length) return resolve(results);
          give(child);
        });
        child.on('exit', () => {
          if (finished < runs.length) reject(new Error(this.ended));
        });
        give(child);
      }
    });
  }

  close(): void {
    for (const child of this.children) child.kill();
  }
}

if (require.main === module) serve();
