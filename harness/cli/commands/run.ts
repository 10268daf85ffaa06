import path from 'node:path';
import { readFile, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { RunReport } from '../../report/model';
import { notApplicableRun } from '../../report/format';
import { runSecrets } from '../../../evidence/secrets';
import { isKnownFault, FAULTS } from '../../../simulators/faults';
import { SecretMatcher } from '../../../evidence/redact';
import { EXIT, UsageError, interactive } from '../usage';
import type { FleetInfo } from '../../topology/containers/names';
import { parseParallel, PARALLEL_HELP } from './parallel';

export interface RunOptions {
  topology: string;
  profile?: string;
  tags?: string;
  fault: string[];
  out: string;
  keepPki?: boolean;
  baseline?: string;
  /** worker processes; undefined: 1 */
  parallel?: number;
}

export function validateFaults(faults: readonly string[]): void {
  for (const f of faults) {
    if (!isKnownFault(f)) throw new UsageError(`unknown fault "${f}" (known: ${Object.keys(FAULTS).join(', ')})`);
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
  for (const r of report.requirements) {
    if (r.verdict === 'untested') continue;
    const n = r.scenarios.length;
    const bad = r.scenarios.filter((s) => s.outcome !== 'pass' && s.outcome !== 'not-applicable').length;
    out.write(`${r.verdict.toUpperCase().padEnd(15)} ${r.id.padEnd(15)} ${r.keyword.padEnd(9)} ${n} scenario(s)${bad ? `, ${bad} not passing` : ''}${r.candidate ? ' [candidate]' : ''}\n`);
    const excluded = notApplicableLines(r.scenarios);
    // for a requirement that is not applicable or waived, its scenarios' reasons say it all
    const told = (r.verdict === 'not-applicable' || r.verdict === 'waived') && excluded.length > 0;
    if (r.verdict !== 'pass' && !told) out.write(`                ${r.reason}\n`);
    for (const line of excluded) out.write(`                ${line}\n`);
  }
  const s = report.summary;
  out.write(`\n${s.verdict}: ${s.pass} pass, ${s.fail} fail, ${s.warning} warning, ${s.inconclusive} inconclusive, ${s.notApplicable} not applicable, ${s.waived} waived, ${s.error} error, ${s.untested} untested (of ${s.requirements} requirements)\n`);
}

async function scrubFile(file: string, secrets: readonly string[]): Promise<void> {
  await writeFile(file, new SecretMatcher(secrets).redact(await readFile(file, 'utf8')));
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
 * Parallel workers each start their own embedded simulators. The containers are one fleet per run, begun
 * per scenario, and an implementation under test is one set of mailboxes: scenarios of different workers
 * would share them, so those runs take one scenario at a time.
 */
function workersFor(opts: RunOptions, externalIut: boolean): number {
  const shared = opts.topology === 'containers' ? 'the containers topology' : externalIut ? 'a profile naming an implementation under test' : undefined;
  if (!shared) return opts.parallel ?? 1;
  if ((opts.parallel ?? 1) > 1) throw new UsageError(`--parallel ${opts.parallel}: ${shared} runs one scenario at a time (its roles are shared by every scenario)`);
  return 1;
}

export async function runCommand(opts: RunOptions): Promise<number> {
  // Loaded here, not at the top: every command registers this one, and `--version`, `--help`, `simulate`
  // must not pay for cucumber, the simulators and the report writers (require: this build is CommonJS).
  const { runSuite } = require('../../engine/run') as typeof import('../../engine/run');
  const { writeReports, exitDecision, readJsonReport } = require('../../report') as typeof import('../../report');
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
  const messages = path.join(out, 'messages.ndjson');
  const suite = (fleet?: FleetInfo) =>
    runSuite({
      topology: fleet ? 'containers' : 'embedded',
      ...(fleet ? { fleet } : {}),
      faults: opts.fault,
      ...(opts.tags ? { tags: opts.tags } : {}),
      ...(opts.profile ? { profilePath: opts.profile } : {}),
      messagesFile: messages,
      progress: interactive(),
      parallel,
    });
  let containerLogs: Record<string, string[]> | undefined;
  let outcome: Awaited<ReturnType<typeof suite>>;
  if (opts.topology === 'containers') {
    const ran = await containers().withFleet((line) => process.stderr.write(`containers: ${line}\n`), (fleet) => suite(fleet.info));
    outcome = ran.result;
    outcome.report.run.containers = ran.fleet;
    containerLogs = ran.logs;
  } else {
    outcome = await suite();
  }
  const { report, problems } = outcome;
  if (profile?.iut) report.run.topology = 'external'; // the profile names the IUT and its role
  const secrets = runSecrets();
  await writeReports(report, out, secrets);
  if (containerLogs) await containers().writeContainerLogs(out, containerLogs, secrets);
  await scrubFile(messages, secrets);
  if (opts.keepPki) await writePki(await sharedTestPki(), path.join(out, 'pki'), { includeKeys: true });
  printSummary(report);
  process.stdout.write(`reports: ${path.relative(process.cwd(), out) || '.'}/conformance.{json,html}, junit.xml, messages.ndjson\n`);
  for (const p of problems) process.stderr.write(`suite problem: ${p}\n`);
  const decision = exitDecision(report, baseline ? { baseline } : {});
  for (const r of decision.regressed) process.stdout.write(`regressed: ${r.id} ${r.from} -> ${r.to}\n`);
  if (problems.length > 0 && decision.status === EXIT.ok) return EXIT.usage;
  return decision.status;
}
