import path from 'node:path';
import { readFile, rename, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { RunReport } from '../../report/model';
import { notApplicableRun } from '../../report/format';
import { runSecrets } from '../../../evidence/secrets';
import { isKnownFault, FAULTS } from '../../../simulators/faults';
import { nearest } from '../../suggest';
import { SecretMatcher } from '../../../evidence/redact';
import { EXIT, UsageError, interactive } from '../usage';
import type { FleetInfo } from '../../topology/containers/names';
import { defaultParallel, parseParallel, PARALLEL_HELP } from './parallel';
import { prepareOutFolder } from '../out-folder';
import { progressEvents } from '../progress';
import { onInterrupt, interrupting } from '../../interrupt';

export interface RunOptions {
  topology: string;
  profile?: string;
  tags?: string;
  fault: string[];
  out: string;
  keepPki?: boolean;
  baseline?: string;
  /** worker processes; undefined: one per core (embedded), 1 where scenarios share their roles */
  parallel?: number;
}

/** An unknown fault is a usage error naming the nearest known faults, never all of them. */
export function validateFaults(faults: readonly string[]): void {
  const known = Object.keys(FAULTS);
  const all = '`evvm-conformance requirements --json` lists each requirement\'s faults';
  for (const f of faults) {
    if (isKnownFault(f)) continue;
    const typo = nearest(f, known, Math.max(3, Math.floor(f.length / 6)));
    if (typo.length > 0) throw new UsageError(`unknown fault "${f}" (did you mean ${typo.join(', or ')}?)`);
    const role = f.split(':')[0]!;
    const ofRole = known.filter((k) => k.startsWith(`${role}:`));
    if (ofRole.length === 0) throw new UsageError(`unknown fault "${f}": a fault is ROLE:NAME, ROLE one of ${[...new Set(known.map((k) => k.split(':')[0]!))].join(', ')}; ${all}`);
    throw new UsageError(`unknown fault "${f}" (the nearest ${role} faults: ${nearest(f, ofRole, Infinity).join(', ')}); ${all}`);
  }
}

/** The not-applicable scenarios of a requirement, one line per reason: whether they ran at all, and why not. */
function notApplicableLines(scenarios: RunReport['requirements'][number]['scenarios']): string[] {
  const groups = new Map<string, number>();
  for (const s of scenarios) {
    if (s.outcome !== 'not-applicable') continue;
    const line = `${notApplicableRun(s)}: ${s.reason ?? 'excluded by the profile'}`;
    groups.set(line, (groups.get(line) ?? 0) + 1);
  }
  return [...groups].map(([line, n]) => `${n} scenario(s) ${line}`);
}

/** One line per requirement that has scenarios, then the totals: what a person reads first. */
export function printSummary(report: RunReport, out: NodeJS.WritableStream = process.stdout): void {
  const shown = report.requirements.filter((r) => r.verdict !== 'untested');
  const width = (f: (r: RunReport['requirements'][number]) => string): number => Math.max(0, ...shown.map((r) => f(r).length));
  const [verdictWidth, idWidth, keywordWidth] = [width((r) => r.verdict), width((r) => r.id), width((r) => r.keyword)];
  const indent = ' '.repeat(verdictWidth + 2);
  for (const r of shown) {
    const n = r.scenarios.length;
    const bad = r.scenarios.filter((s) => s.outcome !== 'pass' && s.outcome !== 'not-applicable').length;
    out.write(`${r.verdict.toUpperCase().padEnd(verdictWidth)}  ${r.id.padEnd(idWidth)}  ${r.keyword.padEnd(keywordWidth)}  ${n} scenario(s)${bad ? `, ${bad} not passing` : ''}${r.candidate ? ' [candidate]' : ''}\n`);
    const excluded = notApplicableLines(r.scenarios);
    // for a requirement that is not applicable or waived, its scenarios' reasons say it all
    const told = (r.verdict === 'not-applicable' || r.verdict === 'waived') && excluded.length > 0;
    if (r.verdict !== 'pass' && !told) out.write(`${indent}${r.reason}\n`);
    for (const line of excluded) out.write(`${indent}${line}\n`);
  }
  const d = report.run.declaration;
  if (d) {
    out.write(`\ndeclaration checked against the wire (${d.role}): ${d.findings.length === 0 ? 'as declared' : `${d.findings.length} finding(s)`}\n`);
    for (const f of d.findings) out.write(`  ${f.kind === 'declared-not-offered' ? 'DECLARED, NOT OFFERED' : 'OFFERED, NOT DECLARED'}  ${f.message}\n`);
    if (d.note) out.write(`  ${d.note}\n`);
  }
  const s = report.summary;
  out.write(`\n${s.verdict}: ${s.pass} pass, ${s.fail} fail, ${s.warning} warning, ${s.inconclusive} inconclusive, ${s.notApplicable} not applicable, ${s.waived} waived, ${s.error} error, ${s.untested} untested (of ${s.requirements} requirements)\n`);
}

/**
 * Rewrites the messages file (NDJSON) without the run's secrets, through a new file: a writer that still holds the old one
 * (cucumber's message stream, when a run is interrupted) cannot add unscrubbed lines to it.
 */
async function scrubFile(file: string, secrets: readonly string[]): Promise<void> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  const tmp = `${file}.${process.pid}.tmp`;
  const matcher = new SecretMatcher(secrets);
  // one JSON message a line; a line cut short by an interruption is scrubbed as text
  const line = (l: string): string => {
    try {
      return l === '' ? l : matcher.redactJson(l);
    } catch {
      return matcher.redact(l);
    }
  };
  await writeFile(tmp, text.split('\n').map(line).join('\n'));
  await rename(tmp, file);
}

export function registerRunCommand(program: Command, setStatus: (s: number) => void): void {
  program
    .command('run')
    .description('run the conformance suite and write conformance.json, conformance.html, junit.xml')
    .option('--topology <kind>', 'embedded (every simulator in this process) or containers (each in its own Docker container)', 'embedded')
    .option('--profile <file>', 'service provider policy and IUT capabilities (YAML)')
    .option('--tags <expr>', 'cucumber tag expression, e.g. "@EVVM-AUTH-03 and @negative"')
    .option('--fault <role:name>', 'switch a simulator fault on (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--out <dir>', 'output folder', 'reports/latest')
    .option('--keep-pki', "keep the run's test PKI (test keys included) in DIR/pki")
    .option('--baseline <file>', 'a previous conformance.json; a requirement that regressed exits 1')
    .option('--parallel <n>', PARALLEL_HELP, parseParallel)
    .action(async (opts: RunOptions) => {
      setStatus(await runCommand(opts));
    });
}

/** A selection of nothing is a usage error, found before any simulator or container starts. */
async function selection(tags: string): Promise<void> {
  const { checkSelection, NothingSelectedError } = require('../../engine/select') as typeof import('../../engine/select');
  try {
    await checkSelection(tags);
  } catch (err) {
    if (err instanceof NothingSelectedError) throw new UsageError(err.message);
    throw err;
  }
}

/** The container topology's lifecycle, loaded for `--topology containers` only. */
function containers(): typeof import('../../topology/containers/lifecycle') {
  return require('../../topology/containers/lifecycle') as typeof import('../../topology/containers/lifecycle');
}

/**
 * Parallel workers each start their own embedded simulators: one per core unless told. The containers are
 * one fleet per run, begun per scenario, and an implementation under test is one set of mailboxes:
 * scenarios of different workers would share them, so those runs take one scenario at a time.
 */
export function workersFor(opts: Pick<RunOptions, 'topology' | 'parallel'>, externalIut: boolean): number {
  const shared = opts.topology === 'containers' ? 'the containers topology' : externalIut ? 'a profile naming an implementation under test' : undefined;
  if (!shared) return opts.parallel ?? defaultParallel();
  if ((opts.parallel ?? 1) > 1) throw new UsageError(`--parallel ${opts.parallel}: ${shared} runs one scenario at a time (its roles are shared by every scenario)`);
  return 1;
}

/** What a finished run left: its report (written into `out`), the suite's own problems, the baseline. */
export interface RunOutcome {
  report: RunReport;
  problems: string[];
  out: string;
  baseline?: RunReport;
}

/**
 * Checks the options, prepares the output folder, runs the suite with progress on stderr, and writes the
 * reports (`mark` adds to the report before it is written, e.g. certify's draft). Throws UsageError before
 * anything starts. A signal during the suite writes what ran, marked interrupted, and exits 130.
 */
export async function executeRun(opts: RunOptions, mark: (report: RunReport) => void = () => undefined): Promise<RunOutcome> {
  // Loaded here, not at the top: every command registers this one, and `--version`, `--help`, `simulate`
  // must not pay for cucumber, the simulators and the report writers (require: this build is CommonJS).
  const { runSuite, assembleReport } = require('../../engine/run') as typeof import('../../engine/run');
  const { RunTally } = require('../../engine/tally') as typeof import('../../engine/tally');
  const { loadCatalogue } = require('../../catalogue') as typeof import('../../catalogue');
  const { writeReports, readJsonReport } = require('../../report') as typeof import('../../report');
  const { sharedTestPki, writePki } = require('../../../simulators/crypto/pki') as typeof import('../../../simulators/crypto/pki');
  const { loadProfile } = require('../../profile/profile') as typeof import('../../profile/profile');
  const { loadIut } = require('../../profile/sections/iut') as typeof import('../../profile/sections/iut');
  if (opts.topology !== 'embedded' && opts.topology !== 'containers') throw new UsageError(`unknown topology "${opts.topology}" (embedded or containers)`);
  validateFaults(opts.fault);
  const profile = opts.profile ? loadProfile(opts.profile) : undefined; // validate before anything starts: a bad profile is a usage error
  if (profile?.iut) loadIut(profile, opts.profile!); // its files and secrets too
  if (profile?.iut && opts.topology === 'containers') throw new UsageError('a profile naming an implementation under test (iut:) runs in the embedded topology');
  const parallel = workersFor(opts, profile?.iut !== undefined);
  if (opts.tags) await selection(opts.tags);
  const baseline = opts.baseline ? await readJsonReport(opts.baseline).catch((e: Error) => {
    throw new UsageError(`baseline ${opts.baseline}: ${e.message.split('\n')[0]}`);
  }) : undefined;
  const out = path.resolve(opts.out);
  await prepareOutFolder(out);
  // what the implementation under test advertises, recorded once before the first scenario and compared with its declaration
  const declaration = profile?.iut ? await (require('../../declaration/observer') as typeof import('../../declaration/observer')).checkDeclaration(profile, loadIut(profile, opts.profile!)) : undefined;
  const messages = path.join(out, 'messages.ndjson');
  const progress = progressEvents(process.stderr, interactive());
  const tally = new RunTally(loadCatalogue(), progress);
  const shown = path.relative(process.cwd(), out) || '.';
  const finishReport = (report: RunReport): void => {
    if (profile?.iut) report.run.topology = 'external'; // the profile names the IUT and its role
    mark(report);
  };
  const written = async (report: RunReport): Promise<void> => {
    const secrets = runSecrets();
    await writeReports(report, out, secrets);
    await scrubFile(messages, secrets);
  };
  const options = {
    faults: opts.fault,
    ...(opts.tags ? { tags: opts.tags } : {}),
    ...(opts.profile ? { profilePath: opts.profile } : {}),
    messagesFile: messages,
    listener: tally,
    parallel,
    ...(declaration ? { declaration } : {}),
  };
  const startedAt = new Date().toISOString();
  // Ctrl-C or SIGTERM while the suite runs: the report of what ran so far, marked interrupted, then exit 130
  // (harness/interrupt). Scenarios still running are not waited for: one may wait on an IUT that does not answer.
  const withdraw = onInterrupt(async (signal) => {
    const report = assembleReport({ ...options, topology: opts.topology === 'containers' ? 'containers' : 'embedded' }, startedAt, tally.requirements());
    const scenarios = { planned: tally.plannedCount, ran: tally.ranCount };
    Object.assign(report.run, { interrupted: true, scenarios });
    finishReport(report);
    await written(report);
    progress.done();
    printSummary(report);
    process.stdout.write(`interrupted (${signal}): ${scenarios.ran} of ${scenarios.planned} scenarios ran; reports of what ran: ${shown}/conformance.{json,html}, junit.xml\n`);
  });
  const suite = (fleet?: FleetInfo) => runSuite({ ...options, topology: fleet ? 'containers' : 'embedded', ...(fleet ? { fleet } : {}) });
  let containerLogs: Record<string, string[]> | undefined;
  let outcome: Awaited<ReturnType<typeof suite>>;
  try {
    if (opts.topology === 'containers') {
      const ran = await containers().withFleet((line) => process.stderr.write(`containers: ${line}\n`), (fleet) => suite(fleet.info));
      outcome = ran.result;
      outcome.report.run.containers = ran.fleet;
      containerLogs = ran.logs;
    } else {
      outcome = await suite();
    }
  } finally {
    withdraw();
    await interrupting();
    progress.done();
  }
  const { report, problems } = outcome;
  finishReport(report);
  await written(report);
  if (containerLogs) await containers().writeContainerLogs(out, containerLogs, runSecrets());
  if (opts.keepPki) await writePki(await sharedTestPki(), path.join(out, 'pki'), { includeKeys: true });
  printSummary(report);
  process.stdout.write(`reports: ${shown}/conformance.{json,html}, junit.xml, messages.ndjson\n`);
  for (const p of problems) process.stderr.write(`suite problem: ${p}\n`);
  return { report, problems, out, ...(baseline ? { baseline } : {}) };
}

/** The exit status of a run that finished: the verdicts (and regressions), or 2 for a suite with problems. */
export function runStatus(outcome: RunOutcome): number {
  const { exitDecision } = require('../../report') as typeof import('../../report');
  const decision = exitDecision(outcome.report, outcome.baseline ? { baseline: outcome.baseline } : {});
  for (const r of decision.regressed) process.stdout.write(`regressed: ${r.id} ${r.from} -> ${r.to}\n`);
  if (outcome.problems.length > 0 && decision.status === EXIT.ok) return EXIT.usage;
  return decision.status;
}

export async function runCommand(opts: RunOptions): Promise<number> {
  return runStatus(await executeRun(opts));
}
