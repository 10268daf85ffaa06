import path from 'node:path';
import { PassThrough } from 'node:stream';
import { mkdirSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { runCucumber, type IRunOptions, type ISupportCodeLibrary } from '@cucumber/cucumber/api';
import { loadCatalogue } from '../catalogue';
import type { RunReport } from '../report/model';
import { projectRoot } from '../paths';
import { ScenarioCollector } from './collect';
import { FEATURE_PATHS } from './select';
import { rollUpRequirement, summarise } from './rollup';
import { HARNESS_VERSION } from '../version';
import type { FleetInfo } from '../topology/containers/names';

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
  /** progress dots on stderr */
  progress?: boolean;
  /** reuse support code between runs in one process (selftest) */
  support?: ISupportCodeLibrary;
}

export interface SuiteResult {
  report: RunReport;
  support: ISupportCodeLibrary;
  /** problems of the suite itself (an untagged scenario, an unreadable attachment) */
  problems: string[];
}

/** Steps compiled to dist/steps, or the TypeScript sources when run through a loader (tsx). */
function stepGlob(): string {
  const compiled = __filename.endsWith('.js');
  return path.resolve(__dirname, '../../steps', compiled ? '**/*.js' : '**/*.ts');
}

/** Runs the feature suite in-process with cucumber's API and rolls the outcome up per requirement. */
export async function runSuite(options: SuiteOptions): Promise<SuiteResult> {
  const root = projectRoot();
  const startedAt = new Date().toISOString();
  const collector = new ScenarioCollector();
  const files: Record<string, string> = {};
  if (options.messagesFile) {
    mkdirSync(path.dirname(options.messagesFile), { recursive: true });
    files[options.messagesFile] = 'message';
  }
  const quiet = new PassThrough();
  quiet.resume();
  const config: IRunOptions = {
    sources: { defaultDialect: 'en', paths: FEATURE_PATHS, names: [], tagExpression: options.tags ?? '', order: 'defined' },
    support: options.support ?? { requireModules: [], requirePaths: [stepGlob()], importPaths: [], loaders: [] },
    runtime: {
      dryRun: false,
      failFast: false,
      filterStacktraces: true,
      parallel: 0,
      retry: 0,
      retryTagFilter: '',
      strict: true,
      worldParameters: { faults: [...options.faults], topology: options.topology, ...(options.fleet ? { fleet: options.fleet } : {}), ...(options.profilePath ? { profilePath: path.resolve(options.profilePath) } : {}) },
    },
    formats: { stdout: 'progress', files, publish: false, options: {} },
  };
  const result = await runCucumber(
    config,
    { cwd: root, stdout: options.progress ? process.stderr : quiet, stderr: process.stderr, env: process.env },
    collector.onMessage,
  );
  const catalogue = loadCatalogue();
  const requirements = catalogue.map((req) => rollUpRequirement(req, collector.results));
  const report: RunReport = {
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
    },
    summary: summarise(requirements),
    requirements,
  };
  return { report, support: result.support, problems: collector.problems };
}
