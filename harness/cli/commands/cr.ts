import type { Command } from 'commander';
import type { CommonOptions, DiffCommandOptions, SuiteRunner } from '../../cr';
import { CrInputError, DEFAULT_ANALYZE_FAIL_ON, DEFAULT_DIFF_FAIL_ON } from '../../cr/failon';
import { interactive, UsageError } from '../usage';
import { progressEvents } from '../progress';

/** Bad input is a usage error: one line, exit status 2, no stack trace. */
function usage<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof CrInputError) throw new UsageError(e.message);
    throw e;
  }
}

/** The analysis, loaded when a cr command runs, not when the CLI starts. */
function crCommands(): typeof import('../../cr/command') {
  return require('../../cr/command') as typeof import('../../cr/command');
}

/**
 * The engine is loaded only for `cr diff --run`: it pulls in cucumber and the simulators, which
 * `cr analyze` does not need. (A static import would load them for every cr command.)
 */
function suiteRunner(): SuiteRunner {
  // require, not import(): this CommonJS build would turn import() into an ESM load of an extension-less path.
  const engine = require('../../engine/run') as typeof import('../../engine/run');
  const { RunTally } = require('../../engine/tally') as typeof import('../../engine/tally');
  const { loadCatalogue } = require('../../catalogue') as typeof import('../../catalogue');
  return async ({ progress, ...options }) => {
    if (!progress) return engine.runSuite(options);
    const bar = progressEvents(process.stderr, true);
    try {
      return await engine.runSuite({ ...options, listener: new RunTally(loadCatalogue(), bar) });
    } finally {
      bar.done();
    }
  };
}

/** `cr analyze FILE` and `cr diff OLD NEW`: change-request analysis for spec authors (docs/spec-authors.md). */
export function registerCrCommands(program: Command): void {
  const cr = program.command('cr').description('change requests: the normative statements a CR adds, changes or drops, and the scenarios covering them');

  cr.command('analyze')
    .description('list the normative statements of a CR (plain text or Markdown), map them to the catalogue and scenarios, and lint them')
    .argument('<file>', 'CR text (.txt or .md)')
    .option('--format <format>', 'text, markdown or json', 'text')
    .option('--out <file>', 'write the output to FILE instead of stdout')
    .option('--fail-on <list>', `exit 1 on: none, or any of uncovered, weakened, strengthened, inverted, dropped, new, lint-error, lint-warning (default ${DEFAULT_ANALYZE_FAIL_ON.join(',')})`)
    .option('--threshold <n>', 'similarity below which a statement is new (0..1, default 0.5)')
    .option('--catalogue <file>', 'requirement catalogue to match against (default harness/catalogue/requirements.yaml)')
    .action((file: string, opts: CommonOptions) => {
      const { status } = usage(() => crCommands().analyzeCommand(file, opts));
      process.exitCode = status;
    });

  cr.command('diff')
    .description('compare two versions of a clause, CR or catalogue: statements added, removed, strengthened or weakened, and the scenarios to re-run')
    .argument('<old>', 'old version: CR/clause text or catalogue YAML')
    .argument('<new>', 'new version: CR/clause text or catalogue YAML')
    .option('--format <format>', 'text, markdown or json', 'text')
    .option('--out <file>', 'write the output to FILE instead of stdout')
    .option('--run', 'run the scenarios of the affected requirements (embedded topology) and report their verdicts')
    .option('--fail-on <list>', `exit 1 on: none, or any of removed, weakened, inverted, added, strengthened, reworded, moved, uncovered, run-failed (default ${DEFAULT_DIFF_FAIL_ON.join(',')})`)
    .option('--threshold <n>', 'similarity below which two statements are not paired (0..1, default 0.5)')
    .option('--catalogue <file>', 'requirement catalogue to match against (default harness/catalogue/requirements.yaml)')
    .action(async (oldFile: string, newFile: string, opts: DiffCommandOptions) => {
      try {
        process.exitCode = (await crCommands().diffCommand(oldFile, newFile, opts, { runner: suiteRunner, progress: interactive() })).status;
      } catch (e) {
        if (e instanceof CrInputError) throw new UsageError(e.message);
        throw e;
      }
    });
}
