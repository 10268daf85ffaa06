/**
 * What `run` leaves in its output folder and on stderr: the previous run's files are replaced (never mixed
 * with the new ones), a folder that is not a previous report is refused, an interrupted run writes a report
 * of what ran (marked interrupted, exit 130), and CI logs get a line per requirement as it settles.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { cli, CLI } from './cli';

interface Report {
  run: { tags?: string; interrupted?: boolean; scenarios?: { planned: number; ran: number } };
  summary: { verdict: string };
  requirements: Array<{ id: string; verdict: string; reason: string; scenarios: unknown[] }>;
}

const report = async (dir: string): Promise<Report> => JSON.parse(await readFile(path.join(dir, 'conformance.json'), 'utf8')) as Report;
const evidence = async (dir: string): Promise<string[]> => readdir(path.join(dir, 'evidence'));

/** Each requirement's number of scenarios in the whole suite, from `requirements --json`. */
async function scenariosPerRequirement(): Promise<Map<string, number>> {
  const r = await cli(['requirements', '--json']);
  const rows = (JSON.parse(r.stdout) as { requirements: Array<{ id: string; scenarios: { positive: number; negative: number } }> }).requirements;
  return new Map(rows.map((q) => [q.id, q.scenarios.positive + q.scenarios.negative]));
}

test("a run into a previous report's folder replaces its files and keeps what is not the report's; CI gets a line per settled requirement", async () => {
  const out = await mkdtemp(path.join(os.tmpdir(), 'evvm-out-'));
  const first = await cli(['run', '--tags', '@EVVM-AUTH-04', '--out', out], 120_000);
  assert.equal(first.code, 0, first.stdout + first.stderr);
  const before = await evidence(out);
  await writeFile(path.join(out, 'notes.txt'), 'the lab keeps its notes here\n');
  const second = await cli(['run', '--tags', '@STD-02', '--out', out], 120_000);
  assert.equal(second.code, 0, second.stdout + second.stderr);
  const after = await evidence(out);
  assert.equal((await report(out)).run.tags, '@STD-02');
  assert.deepEqual(after.filter((f) => before.includes(f) && !/logindisabled/.test(f)), [], `stale evidence kept: ${after.join(', ')}`);
  assert.equal((await report(out)).requirements.find((r) => r.id === 'STD-02')!.scenarios.length, after.length, 'one evidence file per scenario that ran');
  assert.equal(await readFile(path.join(out, 'notes.txt'), 'utf8'), 'the lab keeps its notes here\n');

  // progress (CI=true: not a terminal): a line per requirement as it settles, with the scenario count
  const settled = first.stderr.split('\n').filter((l) => l.includes(' settled: '));
  assert.deepEqual(settled.map((l) => l.replace(/^\d+\/\d+/, 'N/M')), ['N/M scenarios run; EVVM-AUTH-04 settled: pass (9 scenario(s))'], first.stderr);
  assert.match(settled[0]!, /^(\d+)\/\1 scenarios run;/, 'the last requirement settles with the last scenario');
});

test('a non-empty folder that holds no previous report is refused in one line, exit 2, and left alone', async () => {
  const out = await mkdtemp(path.join(os.tmpdir(), 'evvm-out-'));
  await writeFile(path.join(out, 'thesis.tex'), 'not a report\n');
  await writeFile(path.join(out, 'conformance.json'), '{"not":"ours"}\n');
  const r = await cli(['run', '--tags', '@STD-02', '--out', out]);
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.match(r.stderr, /^evvm-conformance: --out .+: the folder is not empty and holds no previous report \(conformance\.json\); name a new or empty folder, or a previous report's\n$/);
  assert.deepEqual((await readdir(out)).sort(), ['conformance.json', 'thesis.tex']);
  assert.equal(await readFile(path.join(out, 'conformance.json'), 'utf8'), '{"not":"ours"}\n');
});

test('Ctrl-C writes the report of what ran, marked interrupted, and exits 130; nothing of the previous run stays', async () => {
  const out = await mkdtemp(path.join(os.tmpdir(), 'evvm-interrupted-'));
  assert.equal((await cli(['run', '--tags', '@STD-03', '--out', out], 120_000)).code, 0);
  const child = spawn(process.execPath, [CLI, 'run', '--tags', '@EVVM-AUTH-01 or @STD-07', '--out', out], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: 'true' } });
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  // interrupted once the first requirement has settled: some scenarios ran, most did not
  for await (const line of readline.createInterface({ input: child.stderr })) {
    if (line.includes('EVVM-AUTH-01 settled')) {
      child.kill('SIGINT');
      break;
    }
  }
  assert.equal(await exited, 130, stdout);
  const r = await report(out);
  assert.equal(r.run.interrupted, true);
  const { planned, ran } = r.run.scenarios!;
  assert.ok(ran >= 12 && ran < planned, `${ran} of ${planned} ran`);
  assert.match(stdout, new RegExp(`interrupted \\(SIGINT\\): ${ran} of ${planned} scenarios ran`));
  assert.equal((await evidence(out)).length, ran, 'evidence of what ran, and of nothing else');
  assert.equal(r.requirements.find((q) => q.id === 'STD-03')!.verdict, 'untested', 'the previous run is gone');
  const total = await scenariosPerRequirement();
  for (const q of r.requirements) {
    // a requirement with scenarios still to run is never a pass
    if (q.verdict === 'pass') assert.equal(q.scenarios.length, total.get(q.id), `${q.id} passed with scenarios still to run`);
  }
  const std07 = r.requirements.find((q) => q.id === 'STD-07')!;
  assert.equal(std07.verdict, 'inconclusive');
  assert.match(std07.reason, new RegExp(`^the run was interrupted: \\d+ of ${total.get('STD-07')} scenario\\(s\\) ran`));
  assert.equal(r.summary.verdict, 'inconclusive');
  for (const f of ['conformance.html', 'junit.xml', 'messages.ndjson']) assert.ok((await readFile(path.join(out, f))).length > 0, f);
});
