/** A hand-built RunReport with every verdict kind, hostile transcript bytes and a secret that leaked. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TranscriptEntry } from '../../evidence/transcript';
import type {
  RequirementResult,
  RequirementVerdict,
  RunReport,
  ScenarioOutcome,
  ScenarioResult,
} from '../../harness/report/model';
import type { Strength } from '../../harness/catalogue/types';

/** Contains a quote and markup, so its escaped forms differ from the raw one. */
export const SECRET = 'Tr0ub4dor&3"<pw>';
/** A plain one, e.g. a PSK in hex. */
export const SECRET_HEX = '6a1f0c3e9b7d2a55';

export const HOSTILE =
  '<script>alert("pwn")</script> \'quoted\' "double" & ]]> \u0000\u0007\u001b[31m\u0008 \u202egnp.exe \ud800 end';

export function entry(partial: Partial<TranscriptEntry> & Pick<TranscriptEntry, 'actor' | 'dir' | 'text'>): TranscriptEntry {
  return { t: 0, seq: 0, channel: 'imap', ...partial };
}

function transcript(): TranscriptEntry[] {
  const list: TranscriptEntry[] = [
    entry({ actor: 'EVVM Client', peer: 'EVVM Server', channel: 'tls', dir: 'event', text: 'handshake TLSv1.3 TLS_AES_256_GCM_SHA384, peer authorised' }),
    entry({ actor: 'EVVM Server', peer: 'EVVM Client', dir: 'send', text: '* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready' }),
    entry({ actor: 'EVVM Client', peer: 'EVVM Server', dir: 'recv', text: '* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready' }),
    entry({ actor: 'EVVM Client', peer: 'EVVM Server', dir: 'send', text: `a1 LOGIN "alice" "${SECRET}"`, conn: 'c1' }),
    entry({ actor: 'Rogue IMAP Server', peer: 'EVVM Client', dir: 'send', text: HOSTILE }),
    entry({ actor: 'EVVM Server', peer: 'External IUT', dir: 'recv', text: `a2 AUTHENTICATE PLAIN ${SECRET_HEX}` }),
    entry({ actor: 'harness', channel: 'check', dir: 'event', text: 'EVVM-AUTH-01 server-cert-checked: success' }),
  ];
  return list.map((e, i) => ({ ...e, t: i * 3, seq: i }));
}

export function scenario(
  name: string,
  outcome: ScenarioOutcome,
  extra: Partial<ScenarioResult> = {},
): ScenarioResult {
  const status = { pass: 'passed', fail: 'failed', error: 'failed', inconclusive: 'skipped', 'not-applicable': 'skipped' }[outcome];
  return {
    name,
    uri: 'features/authentication/imap-login.feature',
    line: 10,
    polarity: 'positive',
    status,
    outcome,
    durationMs: 41,
    tags: ['@EVVM-AUTH-01', '@positive'],
    requirementIds: ['EVVM-AUTH-01'],
    steps: [
      { keyword: 'Given ', text: 'an EVVM Server with a certificate from the test CA', status: 'passed', durationMs: 5 },
      { keyword: 'When ', text: 'the EVVM Client logs in', status: outcome === 'pass' ? 'passed' : 'failed', durationMs: 30 },
    ],
    checks: [{ requirement: 'EVVM-AUTH-01', condition: 'server-cert-checked', result: 'success', message: 'ok' }],
    transcript: transcript(),
    ...extra,
  };
}

function requirement(
  id: string,
  verdict: RequirementVerdict,
  scenarios: ScenarioResult[],
  extra: Partial<RequirementResult> = {},
): RequirementResult {
  const strength: Strength = extra.strength ?? 'mandatory';
  return {
    id,
    keyword: strength === 'recommended' ? 'SHOULD' : 'SHALL',
    strength,
    title: `title of ${id}`,
    text: `The EVVM Server SHALL do what ${id} says.`,
    source: { document: 'CR-SEC', file: 'seeds/000_f109c382ee08737c.txt', clause: '6.4' },
    candidate: false,
    verdict,
    reason: `${verdict} because of its scenarios`,
    scenarios,
    ...extra,
  };
}

/** A scenario tagged with two requirements: one evidence file, listed under both. */
export const SHARED = scenario('Mutual TLS login <both>', 'pass', {
  line: 40,
  requirementIds: ['EVVM-AUTH-01', 'EVVM-IW-C02'],
});

export function buildReport(): RunReport {
  const requirements: RequirementResult[] = [
    requirement('EVVM-AUTH-01', 'pass', [
      scenario('Login over implicit TLS', 'pass'),
      scenario('Rogue server certificate is refused', 'pass', { polarity: 'negative', line: 20 }),
      SHARED,
    ]),
    requirement('EVVM-AUTH-02', 'fail', [
      scenario(`Cleartext LOGIN is refused ${HOSTILE}`, 'fail', {
        polarity: 'negative',
        line: 30,
        steps: [
          { keyword: 'Given ', text: 'LOGINDISABLED before STARTTLS', status: 'passed', durationMs: 1 },
          {
            keyword: 'Then ',
            text: 'the server refuses the LOGIN',
            status: 'failed',
            durationMs: 2,
            error: `AssertionError: server answered "a1 OK" to LOGIN alice ${SECRET} <b>\u0001\n    at step (steps/auth.ts:12)`,
          },
        ],
        checks: [
          {
            requirement: 'EVVM-AUTH-02',
            condition: 'login-refused-without-tls',
            result: 'failure',
            message: `got OK ${HOSTILE}`,
            evidence: { password: SECRET, raw: Buffer.from(`PASS ${SECRET_HEX}`), nested: { deep: [SECRET] } },
          },
        ],
      }),
    ]),
    requirement(
      'EVVM-AUTH-05',
      'warning',
      [scenario('Server offers SCRAM-SHA-256', 'fail', { line: 50, reason: 'SHOULD not met' })],
      { strength: 'recommended' },
    ),
    requirement('EVVM-CONT-01', 'inconclusive', [
      scenario('Voicemail is stored encrypted', 'inconclusive', { line: 60, reason: 'IUT storage cannot be observed' }),
    ]),
    requirement('CPM-MS-AUTH-03', 'not-applicable', [
      scenario('PSK-TLS login', 'not-applicable', { line: 70, reason: 'IUT does not declare psk-tls' }),
    ]),
    requirement(
      'EVVM-SMS-C01',
      'error',
      [scenario('STATUS SMS for a blocked user', 'error', { line: 80, reason: `SMSC simulator crashed: ${SECRET}` })],
      { candidate: true, keyword: 'candidate', source: { document: 'RFC3501', clause: 'Section 11.1' } },
    ),
    requirement('EVVM-IW-C01', 'untested', []),
    requirement('EVVM-IW-C02', 'pass', [SHARED]),
  ];
  return {
    schemaVersion: 1,
    harness: { name: 'evvm-conformance', version: '0.1.0' },
    run: {
      id: 'run-2024-test',
      startedAt: '2024-05-01T10:00:00.000Z',
      finishedAt: '2024-05-01T10:00:05.000Z',
      topology: 'embedded',
      profile: 'profiles/default.yaml',
      faults: [],
    },
    summary: {
      requirements: requirements.length,
      pass: 2,
      fail: 1,
      warning: 1,
      inconclusive: 1,
      notApplicable: 1,
      waived: 0,
      error: 1,
      untested: 1,
      verdict: 'not-conformant',
    },
    requirements,
  };
}

/** A report where only the given verdicts occur (one requirement each), for the exit status. */
export function reportWith(verdicts: Record<string, RequirementVerdict>): RunReport {
  const base = buildReport();
  base.requirements = Object.entries(verdicts).map(([id, v]) => requirement(id, v, []));
  return base;
}

export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'evvm-report-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
