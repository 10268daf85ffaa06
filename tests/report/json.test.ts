import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { conformanceJsonSchema, readJsonReport, writeJsonReport } from '../../harness/report';
import { buildReport, tempDir } from './fixture';
import { describeTested } from '../../harness/report/format';
import { loadProfile } from '../../harness/profile/profile';
import { projectRoot } from '../../harness/paths';

type Json = Record<string, unknown>;

/** Independent of the zod schema: the keys and types design.md names. */
function assertShape(obj: unknown, shape: Record<string, string>, where: string): asserts obj is Json {
  assert.equal(typeof obj, 'object', where);
  assert.notEqual(obj, null, where);
  for (const [key, type] of Object.entries(shape)) {
    const v = (obj as Json)[key];
    const actual = Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v;
    assert.equal(actual, type, `${where}.${key} should be ${type}`);
  }
}

describe('conformance.json', () => {
  const { dir, cleanup } = tempDir();
  let json: Json;
  before(async () => {
    await writeJsonReport(buildReport(), dir);
    json = JSON.parse(readFileSync(join(dir, 'conformance.json'), 'utf8')) as Json;
  });
  after(cleanup);

  it('has the top-level keys of the design schema', () => {
    assertShape(json, { schemaVersion: 'number', harness: 'object', run: 'object', summary: 'object', requirements: 'array' }, 'root');
    assert.equal(json.schemaVersion, 1);
    assertShape(json.harness, { name: 'string', version: 'string' }, 'harness');
    assertShape(json.run, { id: 'string', startedAt: 'string', finishedAt: 'string', topology: 'string', profile: 'string', faults: 'array' }, 'run');
    const counts = ['requirements', 'pass', 'fail', 'warning', 'inconclusive', 'notApplicable', 'error', 'untested'];
    assertShape(json.summary, { ...Object.fromEntries(counts.map((c) => [c, 'number'])), verdict: 'string' }, 'summary');
    assert.equal((json.summary as Json).untested, 1);
    assert.ok(['conformant', 'not-conformant', 'inconclusive'].includes((json.summary as Json).verdict as string));
  });

  it('has requirement and scenario entries with the design keys', () => {
    const reqs = json.requirements as Json[];
    assert.equal(reqs.length, 8);
    for (const r of reqs) {
      assertShape(r, { id: 'string', keyword: 'string', title: 'string', source: 'string', sourceRef: 'object', candidate: 'boolean', verdict: 'string', reason: 'string', scenarios: 'array' }, 'requirement');
      for (const s of r.scenarios as unknown[]) {
        assertShape(s, { name: 'string', uri: 'string', line: 'number', polarity: 'string', status: 'string', durationMs: 'number', outcome: 'string', evidence: 'string' }, `${r.id as string} scenario`);
        assert.equal((s as Json).transcript, undefined, 'no transcript in conformance.json');
        assert.equal((s as Json).steps, undefined, 'no steps in conformance.json');
      }
    }
    const verdicts = new Set(reqs.map((r) => r.verdict));
    for (const v of ['pass', 'fail', 'warning', 'inconclusive', 'not-applicable', 'error', 'untested']) assert.ok(verdicts.has(v), v);
  });

  it('renders the source as a string and keeps the structured one', () => {
    const [first] = json.requirements as Json[];
    assert.equal(first!.source, 'CR-SEC §6.4 (seeds/000_f109c382ee08737c.txt)');
    assert.deepEqual(first!.sourceRef, { document: 'CR-SEC', file: 'seeds/000_f109c382ee08737c.txt', clause: '6.4' });
    const sms = (json.requirements as Json[]).find((r) => r.id === 'EVVM-SMS-C01')!;
    assert.equal(sms.source, 'RFC3501 Section 11.1');
    assert.equal(sms.candidate, true);
  });

  it('passes the zod schema', () => {
    const parsed = conformanceJsonSchema.safeParse(json);
    assert.ok(parsed.success, parsed.success ? '' : JSON.stringify(parsed.error.issues));
  });

  it('writes one evidence file per distinct scenario with steps, checks and transcript', () => {
    const files = readdirSync(join(dir, 'evidence')).sort();
    assert.equal(files.length, 8, files.join(', ')); // 9 scenario listings, one shared
    for (const f of files) assert.match(f, /^\d{3}-[a-z0-9-]+\.json$/);
    const reqs = json.requirements as Json[];
    const listed = reqs.flatMap((r) => (r.scenarios as Json[]).map((s) => s.evidence as string));
    for (const p of listed) assert.ok(existsSync(join(dir, p)), p);
    const shared = listed.filter((p) => p.includes('mutual-tls-login-both'));
    assert.equal(shared.length, 2);
    assert.equal(shared[0], shared[1]);
    const ev = JSON.parse(readFileSync(join(dir, listed[0]!), 'utf8')) as Json;
    assertShape(ev, { scenario: 'object', steps: 'array', checks: 'array', transcript: 'array' }, 'evidence');
    assert.equal((ev.transcript as unknown[]).length, 7);
  });

  it('turns a Buffer in check evidence into text', () => {
    const failing = (json.requirements as Json[]).find((r) => r.id === 'EVVM-AUTH-02')!;
    const path = ((failing.scenarios as Json[])[0]!).evidence as string;
    const ev = JSON.parse(readFileSync(join(dir, path), 'utf8')) as { checks: { evidence: { raw: unknown } }[] };
    assert.equal(typeof ev.checks[0]!.evidence.raw, 'string');
  });

  it('reads back as a baseline', async () => {
    const back = await readJsonReport(join(dir, 'conformance.json'));
    assert.equal(back.requirements.length, 8);
    assert.equal(back.requirements.find((r) => r.id === 'EVVM-AUTH-05')!.strength, 'recommended');
    assert.deepEqual(back.requirements[0]!.source, { document: 'CR-SEC', file: 'seeds/000_f109c382ee08737c.txt', clause: '6.4' });
    await assert.rejects(readJsonReport(join(dir, 'evidence', readdirSync(join(dir, 'evidence'))[0]!)), /not a conformance\.json/);
  });
});

describe('what was tested (run.tested)', () => {
  it('comes from the profile: its name and description, the IUT\'s role, host, certificate name and ports, nothing else', () => {
    const tested = describeTested(loadProfile(join(projectRoot(), 'profiles/example-vendor-imap.yaml')));
    assert.deepEqual(tested, {
      profileName: 'example-vendor-imap',
      description: 'ACME Message Storage 4.2 on the lab network, TLS and client certificates required.',
      iut: { role: 'message-storage', host: 'mss.lab.example.net', servername: 'mss.lab.example.net', ports: { imaps: 993, imap: 143, pskTls: 993 } },
    });
    assert.deepEqual(describeTested(loadProfile()), { profileName: 'default', description: 'Mutual authentication everywhere, TLS required, every mechanism and mode declared.' });
  });

  it('is written to conformance.json and read back', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const report = buildReport();
      report.run.tested = { profileName: 'acme', iut: { role: 'evvm-server', host: 'vm.example.net', ports: { imaps: 993 } } };
      await writeJsonReport(report, dir);
      assert.deepEqual((await readJsonReport(join(dir, 'conformance.json'))).run.tested, report.run.tested);
    } finally {
      cleanup();
    }
  });
});

describe('the declaration checked against the wire (run.declaration)', () => {
  it('is written to conformance.json without its transcript, which goes to evidence/declaration.json, and read back', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const report = buildReport();
      const scram = { capability: 'SASL SCRAM-SHA-256', field: 'capabilities.messageStorage.sasl', declared: true, offered: false, seen: 'CAPABILITY after STARTTLS: IMAP4rev1 AUTH=PLAIN', requirements: ['CPM-MS-AUTH-01'] };
      const finding = { capability: scram.capability, field: scram.field, kind: 'declared-not-offered' as const, requirements: scram.requirements, message: 'SASL SCRAM-SHA-256 is declared but not offered' };
      const transcript = [{ t: 0, seq: 0, actor: 'Declaration check', peer: 'Message Storage Server', channel: 'imap' as const, dir: 'recv' as const, text: '* OK ready' }];
      report.run.declaration = { role: 'message-storage', observed: [{ what: 'CAPABILITY after STARTTLS', value: 'IMAP4rev1 AUTH=PLAIN' }], capabilities: [scram], findings: [finding], transcript };
      await writeJsonReport(report, dir);
      const json = JSON.parse(readFileSync(join(dir, 'conformance.json'), 'utf8')) as { run: { declaration: Json } };
      assert.deepEqual(json.run.declaration, { role: 'message-storage', observed: report.run.declaration.observed, capabilities: [scram], findings: [finding], evidence: 'evidence/declaration.json' });
      const evidence = JSON.parse(readFileSync(join(dir, 'evidence/declaration.json'), 'utf8')) as { transcript: unknown };
      assert.deepEqual(evidence.transcript, transcript);
      assert.deepEqual((await readJsonReport(join(dir, 'conformance.json'))).run.declaration?.findings, [finding]);
    } finally {
      cleanup();
    }
  });
});
