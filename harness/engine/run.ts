import path from 'node:path';
import { PassThrough } from 'node:stream';
import { mkdirSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { runCucumber, type IRunOptions, type ISupportCodeLibrary } from '@cucumber/cucumber/api';
import { loadCatalogue } from '../catalogue';
import type { DeclarationCheck, RequirementResult, RunReport } from '../report/model';
import { describeTested } from '../report/format';
import { runProfile } from './run-context';
import { projectRoot } from '../paths';
import { ScenarioCollector, type SuiteListener } from './collect';
import { FEATURE_PATHS } from './select';
import { rollUpRequirement, summarise } from './rollup';
import { HARNESS_VERSION } from '../version';
import type { FleetInfo } from '../topology/containers/names';
import { Handover } from './handover';
import { sharedTestPki } from '../../simulators/crypto/pki/shared';
import { demoAccounts } from '../topology/accounts';

export interface SuiteOptions {
  /** cucumber tag expression selecting scenarios */
  tags?: string;
  faults: readonly string[];
  profilePath?: string;
  topology: 'embedded' | 'containers';
  /** the run's simulator containers (topology 'containers') */
  fleet?: FleetInfo;
  /** where cucumber's message stream goes; omitted in selftest */
  messagesFile?: string;
  /** told of each scenario as cucumber plans and finishes it (progress, an interrupted run's report) */
  listener?: SuiteListener;
  /** reuse support code between runs in one process (selftest) */
  support?: ISupportCodeLibrary;
  /** scenarios at once, each worker a process with its own simulators (embedded topology); 1 or omitted: in this process */
  parallel?: number;
  /** the run's PKI and accounts as handed to parallel workers, when the caller shares them between runs (selftest) */
  handover?: Handover;
  /** the feature files cucumber reads (default: all), when the caller knows which hold the selected scenarios */
  featureFiles?: readonly string[];
  /** the implementation under test's declaration checked against the wire before the run (harness/declaration) */
  declaration?: DeclarationCheck;
}

export interface SuiteResult {
  report: RunReport;
  support: ISupportCodeLibrary;
  /** problems of the suite itself (an untagged scenario, an unreadable attachment) */
  problems: string[];
}

/** What cucumber's worldParameters hold: JSON, handed to every scenario (and to parallel workers). */
type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** The run's PKI and a fresh set of demo accounts, ready for worker processes. */
export async function openHandover(): Promise<Handover> {
  return Handover.open(sharedTestPki(), demoAccounts(randomUUID().slice(0, 8)));
}

/** Steps compiled to dist/steps, or the TypeScript sources when run through a loader (tsx). */
function stepGlob(): string {
  const compiled = __filename.endsWith('.js');
  return path.resolve(__dirname, '../../steps', compiled ? '**/*.js' : '**/*.ts');
}

/**
 * Runs the feature suite with cucumber's API, in this process or in `parallel` worker processes, and rolls
 * the outcome up per requirement.
 */
export async function runSuite(options: SuiteOptions): Promise<SuiteResult> {
  const workers = options.parallel ?? 1;
  if (workers > 1 && options.topology !== 'embedded') throw new Error('parallel workers run the embedded topology only');
  if (workers <= 1 || options.handover) return runCucumberSuite(options, workers, options.handover);
  // one PKI and one set of accounts for the whole run, made here and handed to every worker
  const handover = await openHandover();
  try {
    return await runCucumberSuite(options, workers, handover);
  } finally {
    await handover.close();
  }
}

async function runCucumberSuite(options: SuiteOptions, workers: number, handover: Handover | undefined): Promise<SuiteResult> {
  const root = projectRoot();
  const startedAt = new Date().toISOString();
  const collector = new ScenarioCollector(options.listener);
  const files: Record<string, string> = {};
  if (options.messagesFile) {
    mkdirSync(path.dirname(options.messagesFile), { recursive: true });
    files[options.messagesFile] = 'message';
  }
  const quiet = new PassThrough();
  quiet.resume();
  const config: IRunOptions = {
    sources: { defaultDialect: 'en', paths: options.featureFiles ? [...options.featureFiles] : FEATURE_PATHS, names: [], tagExpression: options.tags ?? '', order: 'defined' },
    support: options.support ?? { requireModules: [], requirePaths: [stepGlob()], importPaths: [], loaders: [] },
    runtime: {
      dryRun: false,
      failFast: false,
      filterStacktraces: true,
      parallel: workers > 1 ? workers : 0,
      retry: 0,
      retryTagFilter: '',
      strict: true,
      worldParameters: { faults: [...options.faults], topology: options.topology, ...(options.declaration ? { declaration: JSON.parse(JSON.stringify(options.declaration.capabilities)) as Json[] } : {}), ...(options.fleet ? { fleet: options.fleet } : {}), ...(options.profilePath ? { profilePath: path.resolve(options.profilePath) } : {}) },
    },
    // cucumber's own output (progress dots) goes nowhere: the CLI reports progress per requirement (options.listener)
    formats: { stdout: 'progress', files, publish: false, options: {} },
  };
  const result = await runCucumber(
    config,
    { cwd: root, stdout: quiet, stderr: process.stderr, env: { ...process.env, ...handover?.env() } },
    collector.onMessage,
  );
  await handover?.ready; // a PKI that could not be made is the run's error, not only its scenarios'
  await handover?.adoptWorkerSecrets();
  const results = collector.results;
  const report = assembleReport(options, startedAt, loadCatalogue().map((req) => rollUpRequirement(req, results)));
  return { report, support: result.support, problems: collector.problems };
}

/** The run's report from its requirements' roll-up (also the report of a run interrupted half-way). */
export function assembleReport(options: Pick<SuiteOptions, 'topology' | 'faults' | 'tags' | 'profilePath' | 'declaration'>, startedAt: string, requirements: RequirementResult[]): RunReport {
  return {
    schemaVersion: 1,
    harness: { name: 'evvm-conformance', version: HARNESS_VERSION },
    run: {
      id: randomUUID(),
      startedAt,
      finishedAt: new Date().toISOString(),
      topology: options.topology,
      profile: options.profilePath ?? 'profiles/default.yaml',
      faults: [...options.faults],
      ...(options.tags ? { tags: options.tags } : {}),
      // parsed once per process, as the scenarios read it (selftest assembles a report per fault run)
      tested: describeTested(runProfile(options.profilePath)),
      ...(options.declaration ? { declaration: options.declaration } : {}),
    },
    summary: summarise(requirements),
    requirements,
  };
}
