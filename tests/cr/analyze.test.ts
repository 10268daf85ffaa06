import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { coverage, scanFeatures } from '../../harness/catalogue/features';
import { analyzeCr, type AnalyzeOptions } from '../../harness/cr/analyze';
import type { CrAnalysis, CrFinding, CrStatement } from '../../harness/cr/model';
import { catalogue, read, root, SCENARIOS, SEED_CPM, SEED_SEC, SEED_SEC_MD } from './helpers';

const analyze = (name: string, extra: Partial<AnalyzeOptions> = {}): CrAnalysis =>
  analyzeCr(read(name), { fileName: name, catalogue, scenarios: SCENARIOS, ...extra });

/** [id, keyword as written, matched IDs, method, clause] per statement. */
const rows = (a: CrAnalysis): Array<[string, string, string, string, string]> =>
  a.statements.map((s) => [s.id, s.keyword, s.matches.map((m) => m.id).join(' '), s.matches[0]?.method ?? 'new', s.clause]);

/** [severity, code, line, statement, subject] per finding. */
const findings = (a: CrAnalysis): Array<[string, string, number | undefined, string | undefined, string | undefined]> =>
  a.findings.map((f: CrFinding) => [f.severity, f.code, f.line, f.statement, f.subject]);

const AUTH = '§6.4 Security Considerations, Authentication';
const CONT = '§6.4 Security Considerations, Security of Voice Mail Contents';

test('seed 000: every statement of the change proposal, mapped to EVVM-AUTH-01..08 and EVVM-CONT-00..04', () => {
  const a = analyze(SEED_SEC);
  assert.deepEqual(a.changeProposal, { found: true, heading: '6 Detailed Change Proposal', line: 17 });
  assert.deepEqual(a.changes, [
    { n: 1, line: 19, text: 'Update Section 6.4, Security Considerations.', target: { number: '6.4', title: 'Security Considerations' }, heading: '4. Security Considerations' },
  ]);
  assert.deepEqual(rows(a), [
    ['S1', 'SHALL', 'EVVM-AUTH-01', 'exact', AUTH],
    ['S2', 'SHALL', 'EVVM-AUTH-02', 'exact', AUTH],
    ['S3', 'SHALL', 'EVVM-AUTH-03 EVVM-AUTH-04', 'exact', AUTH],
    ['S4', 'are expected to', 'EVVM-AUTH-05', 'exact', AUTH],
    ['S5', 'SHOULD', 'EVVM-AUTH-06', 'exact', AUTH],
    ['S6', 'SHOULD', 'EVVM-AUTH-07', 'exact', AUTH],
    ['S7', 'SHALL', 'EVVM-AUTH-08', 'exact', AUTH],
    ['S8', '', 'EVVM-CONT-00', 'exact', CONT],
    ['S9', 'SHALL', 'EVVM-CONT-01 EVVM-CONT-02', 'exact', CONT],
    ['S10', 'SHALL', 'EVVM-CONT-03', 'exact', CONT],
    ['S11', 'SHALL', 'EVVM-CONT-04', 'exact', CONT],
  ]);
  const ids = a.statements.flatMap((s) => s.matches.map((m) => m.id)).sort();
  for (let i = 1; i <= 8; i++) assert.ok(ids.includes(`EVVM-AUTH-0${i}`), `EVVM-AUTH-0${i}`);
  for (let i = 1; i <= 4; i++) assert.ok(ids.includes(`EVVM-CONT-0${i}`), `EVVM-CONT-0${i}`);
  assert.ok(a.statements.every((s) => s.matches.every((m) => m.confidence === 1 && m.change !== 'weakened')));

  const s = (id: string): CrStatement => a.statements.find((x) => x.id === id) as CrStatement;
  // The conditional SHALL keeps its "subject to" bullets; SHALL support bullets inherit the SHALL.
  assert.equal(s('S7').text, 'The mutual authentication SHALL be performed between EVVM Servers and is subject to: · Service provider’s policy. · Service provider’s deployment.');
  assert.deepEqual(s('S7').conditions, ['is subject to: Service provider’s policy; Service provider’s deployment']);
  assert.equal(s('S7').normalizedKeyword, 'SHALL');
  assert.deepEqual([s('S9').inherited, s('S10').inherited, s('S11').inherited, s('S1').inherited], [true, true, true, false]);
  assert.equal(s('S11').text, 'Regarding voicemail contents, the EVVM Enabler SHALL support the following security-related functionalities: · Ensuring the non-repudiation for the voicemail.');
  assert.deepEqual([s('S4').normalizedKeyword, s('S4').strength], ['EXPECTED', 'recommended']);
  assert.deepEqual([s('S8').kind, s('S8').strength], ['descriptive', 'informative']);
  assert.deepEqual(a.dropped, []);
});

test('seed 000: covering scenarios per statement, and exit 1 for the uncovered ones', () => {
  const a = analyze(SEED_SEC);
  const s3 = a.statements[2] as CrStatement;
  assert.deepEqual(s3.coverage, [{ id: 'EVVM-AUTH-03', scenarios: 2 }, { id: 'EVVM-AUTH-04', scenarios: 2 }]);
  assert.deepEqual(
    s3.scenarios.map((x) => [x.uri, x.line, x.polarity, x.examples]),
    [
      ['features/fake/evvm-auth-03.feature', 5, 'positive', 1],
      ['features/fake/evvm-auth-03.feature', 9, 'negative', 2],
      ['features/fake/evvm-auth-04.feature', 5, 'positive', 1],
      ['features/fake/evvm-auth-04.feature', 9, 'negative', 1],
    ],
  );
  assert.deepEqual(
    a.statements.filter((x) => x.covered).map((x) => x.id),
    ['S1', 'S2', 'S3'],
  );
  assert.deepEqual(a.summary, {
    statements: 11,
    normative: 10,
    descriptive: 1,
    matched: 11,
    new: 0,
    covered: 3,
    uncovered: 7,
    weakened: 0,
    strengthened: 0,
    inverted: 0,
    dropped: 0,
    errors: 3,
    warnings: 5,
    infos: 1,
  });
  assert.deepEqual(a.exit, {
    status: 1,
    failOn: ['uncovered', 'weakened', 'inverted', 'dropped'],
    reasons: ['uncovered: S4, S5, S6, S7, S9, S10, S11 (EVVM-AUTH-05..08, EVVM-CONT-01..04) have no scenario'],
  });
});

test('seed 000 lint: conditional SHALL, cut-off aspects, numbering, untestable and non-RFC 2119 wording', () => {
  const a = analyze(SEED_SEC);
  assert.deepEqual(findings(a), [
    ['warning', 'heading-mismatch', 20, undefined, '4. Security Considerations'],
    ['error', 'announced-missing', 28, undefined, 'Security of SMS notifications'],
    ['error', 'announced-missing', 30, undefined, 'Security of voicemail interworking'],
    ['warning', 'heading-numbering', 32, undefined, '4. Authentication'],
    ['warning', 'untestable', 34, 'S2', undefined],
    ['warning', 'ambiguous-keyword', 38, 'S4', 'are expected to'],
    ['warning', 'untestable', 38, 'S4', undefined],
    ['error', 'conditional-shall', 48, 'S7', 'SHALL … is subject to: Service provider’s policy; Service provider’s deployment'],
    ['info', 'heading-numbering', 52, undefined, 'Security of Voice Mail Contents'],
  ]);
  const sms = a.findings[1] as CrFinding;
  assert.deepEqual(sms.ids, ['EVVM-SMS-C01', 'EVVM-SMS-C02', 'EVVM-SMS-C03', 'EVVM-SMS-C04', 'EVVM-SMS-C05', 'EVVM-SMS-C06', 'EVVM-SMS-C07', 'EVVM-SMS-C08', 'EVVM-SMS-C09']);
  assert.match(sms.message, /cut off or missing \(catalogue candidates for it: EVVM-SMS-C01\.\.C09\)/);
  assert.deepEqual((a.findings[2] as CrFinding).ids, ['EVVM-IW-C01', 'EVVM-IW-C02', 'EVVM-IW-C03', 'EVVM-IW-C04']);
  assert.equal(
    (a.findings[0] as CrFinding).message,
    'Change 1 updates §6.4 "Security Considerations", but the heading reads "4. Security Considerations" (number 4, expected 6.4)',
  );
  assert.match((a.findings[4] as CrFinding).message, /^no testable subject/);
  assert.match((a.findings[6] as CrFinding).message, /^no testable outcome: "similar", "corresponding", "e\.g\." leave/);
});

test('seed 000 in Markdown (wrapped lines, straight quotes, "-" bullets): the same statements and findings', () => {
  const plain = analyze(SEED_SEC);
  const md = analyze(SEED_SEC_MD);
  assert.equal(md.format, 'markdown');
  assert.deepEqual(rows(md), rows(plain));
  const norm = (s: string): string => s.replace(/’/g, "'");
  assert.deepEqual(
    md.statements.map((s) => s.text),
    plain.statements.map((s) => norm(s.text)),
  );
  assert.deepEqual(
    md.findings.map((f) => [f.severity, f.code, f.statement, f.subject && norm(f.subject)]),
    plain.findings.map((f) => [f.severity, f.code, f.statement, f.subject && norm(f.subject)]),
  );
  assert.deepEqual(md.exit, plain.exit);
  // Lines are the Markdown file's: S2 starts on the second line of its wrapped paragraph.
  assert.deepEqual(md.statements.slice(0, 3).map((s) => s.line), [47, 48, 52]);
});

test('seed 001 (CPM): CPM-MS-AUTH-01..06, the lower-case may, and RFC 2222 / RFC 2246 with their successors', () => {
  const a = analyze(SEED_CPM);
  const CL = '§5.1.2 Authentication';
  assert.deepEqual(rows(a), [
    ['S1', '', 'CPM-MS-AUTH-01', 'exact', CL],
    ['S2', '', 'CPM-MS-AUTH-02', 'exact', CL],
    ['S3', '', 'CPM-MS-AUTH-03', 'exact', CL],
    ['S4', 'may', 'CPM-MS-AUTH-04', 'exact', CL],
    ['S5', 'is optional', 'CPM-MS-AUTH-05 CPM-MS-AUTH-06', 'exact', CL],
  ]);
  assert.deepEqual(
    a.statements.slice(0, 2).map((s) => s.text),
    [
      'Two authentication mechanisms as below are defined for IMAPv4 [RFC2595][ RFC3501]. · a) SASL (Simple Authentication and Security Layer) [RFC2222] and',
      'Two authentication mechanisms as below are defined for IMAPv4 [RFC2595][ RFC3501]. · b) Username/Password in plain texts.',
    ],
  );
  assert.deepEqual(findings(a), [
    ['info', 'change-target-missing', 49, undefined, 'Change 1'],
    ['info', 'obsolete-reference', 53, undefined, 'RFC3501'],
    ['warning', 'obsolete-reference', 55, 'S1', 'RFC2222'],
    ['warning', 'lowercase-keyword', 58, 'S4', 'may'],
    ['warning', 'ambiguous-keyword', 59, 'S5', 'is optional'],
    ['warning', 'untestable', 59, 'S5', undefined],
    ['warning', 'obsolete-reference', 59, 'S5', 'RFC2246'],
  ]);
  const successor = (subject: string): string | undefined => a.findings.find((f) => f.subject === subject)?.successor;
  assert.equal(successor('RFC2222'), 'RFC 4422');
  assert.equal(successor('RFC2246'), 'RFC 8446 (TLS 1.3) or RFC 5246 (TLS 1.2)');
  assert.equal(successor('RFC3501'), 'RFC 9051 (IMAP4rev2)');
  assert.deepEqual(a.exit.reasons, ['uncovered: S1, S2, S3, S4, S5 (CPM-MS-AUTH-01..06) have no scenario']);
});

test('variant: one statement dropped -> EVVM-AUTH-02 is reported as dropped from its clause', () => {
  const a = analyze('000_drop-auth-02.txt');
  assert.ok(!a.statements.some((s) => s.matches.some((m) => m.id === 'EVVM-AUTH-02')));
  assert.deepEqual(a.dropped, [
    {
      id: 'EVVM-AUTH-02',
      keyword: 'SHALL',
      strength: 'mandatory',
      title: catalogue.find((r) => r.id === 'EVVM-AUTH-02')?.title,
      clause: 'CR-SEC §6.4 Security Considerations, Authentication',
    },
  ]);
  assert.deepEqual(a.exit.reasons.slice(1), ['dropped: EVVM-AUTH-02 no longer in the CR']);
});

test('variant: SHALL weakened to SHOULD -> S7 weakened against EVVM-AUTH-08, and no conditional SHALL any more', () => {
  const a = analyze('000_auth-08-shall-to-should.txt');
  const changed = a.statements.filter((s) => s.change !== 'same' && s.change !== 'n/a');
  assert.deepEqual(
    changed.map((s) => [s.id, s.keyword, s.matches.map((m) => [m.id, m.keyword, m.method, m.confidence, m.change])]),
    [['S7', 'SHOULD', [['EVVM-AUTH-08', 'SHALL', 'keyword-changed', 0.95, 'weakened']]]],
  );
  assert.ok(!a.findings.some((f) => f.code === 'conditional-shall'));
  assert.equal(a.summary.weakened, 1);
  assert.deepEqual(a.exit.reasons.slice(1), ['weakened against the catalogue: S7 (EVVM-AUTH-08)']);
});

test('variant: SHOULD turned into SHALL -> S6 strengthened against EVVM-AUTH-07, now a conditional SHALL too', () => {
  const a = analyze('000_auth-07-should-to-shall.txt');
  const changed = a.statements.filter((s) => s.change !== 'same' && s.change !== 'n/a');
  assert.deepEqual(
    changed.map((s) => [s.id, s.keyword, s.matches.map((m) => [m.id, m.keyword, m.change])]),
    [['S6', 'SHALL', [['EVVM-AUTH-07', 'SHOULD', 'strengthened']]]],
  );
  assert.deepEqual(
    a.findings.filter((f) => f.code === 'conditional-shall').map((f) => f.statement),
    ['S6', 'S7'],
  );
  assert.equal(a.exit.reasons.length, 1, 'strengthening does not fail by default');
  assert.deepEqual(analyze('000_auth-07-should-to-shall.txt', { failOn: ['strengthened'] }).exit.reasons, [
    'strengthened against the catalogue: S6 (EVVM-AUTH-07)',
  ]);
});

test('variant: a new uncovered SHALL -> S4 is new, uncovered, and fails the analysis', () => {
  const a = analyze('000_new-uncovered-shall.txt');
  const s4 = a.statements[3] as CrStatement;
  assert.deepEqual(
    [s4.id, s4.line, s4.keyword, s4.status, s4.covered, s4.matches, s4.text],
    ['S4', 38, 'SHALL', 'new', false, [], 'The EVVM Server SHALL lock the voicemail box after five consecutive failed login attempts.'],
  );
  assert.ok((s4.nearest?.confidence ?? 1) < 0.5);
  assert.equal(a.statements.filter((s) => s.status === 'new').length, 1);
  assert.deepEqual(a.exit.reasons, ['uncovered: S4 (new), S5, S6, S7, S8, S10, S11, S12 (EVVM-AUTH-05..08, EVVM-CONT-01..04) have no scenario']);
  assert.deepEqual(analyze('000_new-uncovered-shall.txt', { failOn: ['new'] }).exit, { status: 1, failOn: ['new'], reasons: ['new: S4 match no requirement'] });
});

test('--fail-on none never fails; lint-error fails on the conditional SHALL and the cut-off aspects', () => {
  assert.deepEqual(analyze(SEED_SEC, { failOn: [] }).exit, { status: 0, failOn: [], reasons: [] });
  assert.deepEqual(analyze(SEED_SEC, { failOn: ['lint-error'] }).exit.reasons, ['lint: 3 errors']);
  assert.deepEqual(analyze(SEED_CPM, { failOn: ['lint-error'] }).exit.status, 0);
  assert.deepEqual(analyze(SEED_CPM, { failOn: ['lint-warning'] }).exit.reasons, ['lint: 5 errors or warnings']);
});

test('a SHALL that loses its keyword is still found, as a weakened (descriptive) statement', () => {
  const text = read(SEED_SEC).replace('The EVVM user SHALL be authenticated', 'The EVVM user is authenticated');
  const a = analyzeCr(text, { catalogue, scenarios: SCENARIOS });
  const s = a.statements.find((x) => x.matches.some((m) => m.id === 'EVVM-AUTH-01')) as CrStatement;
  assert.deepEqual([s.kind, s.keyword, s.change, s.matches[0]?.method], ['descriptive', '', 'weakened', 'similar']);
  assert.ok((s.matches[0]?.confidence ?? 0) >= 0.9);
  assert.equal(a.exit.reasons[1], 'weakened against the catalogue: S1 (EVVM-AUTH-01)');
});

test('a SHALL turned into SHALL NOT is inverted', () => {
  const text = read(SEED_SEC).replace('identifiers SHALL be considered', 'identifiers SHALL NOT be considered');
  const a = analyzeCr(text, { catalogue, scenarios: SCENARIOS });
  const s2 = a.statements[1] as CrStatement;
  assert.deepEqual([s2.keyword, s2.change, s2.matches.map((m) => m.id)], ['SHALL NOT', 'inverted', ['EVVM-AUTH-02']]);
  assert.equal(a.exit.reasons[1], 'inverted against the catalogue: S2 (EVVM-AUTH-02)');
});

test('a bare clause (no CR template) is read whole, with an info finding', () => {
  const clause = [
    '6.4.1 Authentication',
    '',
    'The EVVM Client SHALL authenticate the EVVM Server and vice versa according to [OMA SEC CF].',
    'The EVVM Server should reject a client using TLS 1.0.',
  ].join('\n');
  const a = analyzeCr(clause, { catalogue, scenarios: SCENARIOS });
  assert.equal(a.changeProposal.found, false);
  assert.deepEqual(rows(a), [
    ['S1', 'SHALL', 'EVVM-AUTH-03 EVVM-AUTH-04', 'exact', '§6.4.1 Authentication'],
    ['S2', 'should', '', 'new', '§6.4.1 Authentication'],
  ]);
  assert.deepEqual(findings(a), [
    ['info', 'no-change-proposal', undefined, undefined, undefined],
    ['warning', 'lowercase-keyword', 4, 'S2', 'should'],
    ['warning', 'obsolete-reference', 4, 'S2', 'TLS 1.0'],
  ]);
});

test('the real features/ folder: a statement is covered exactly when its requirements have scenarios', () => {
  const refs = scanFeatures(root);
  const cov = coverage(catalogue, refs);
  const tested = new Set(cov.requirements.filter((r) => r.positive.length + r.negative.length > 0).map((r) => r.id));
  const a = analyzeCr(read(SEED_SEC), { catalogue, scenarios: refs });
  for (const s of a.statements) {
    assert.equal(s.covered, s.matches.length > 0 && s.matches.every((m) => tested.has(m.id)), s.id);
    for (const sc of s.scenarios) assert.ok(existsSync(path.join(root, sc.uri)), sc.uri);
  }
});

test('the fixtures are the seeds of ../shared/seeds (when that folder is present)', (t) => {
  const seeds = path.join(root, '..', 'shared', 'seeds');
  if (!existsSync(seeds)) {
    t.skip(`${seeds} is absent: the copies in tests/cr/fixtures/ are used`);
    return;
  }
  for (const name of [SEED_SEC, SEED_CPM]) assert.equal(read(name), readFileSync(path.join(seeds, name), 'utf8'), name);
});

test('a sentence with SHALL and SHALL NOT is two statements, each with its own keyword and the subject', () => {
  const seed = read(SEED_SEC);
  const sentence = 'The EVVM Client SHALL authenticate the EVVM Server and vice versa according to [OMA SEC CF].';
  const both = 'The EVVM Server SHALL accept a client certificate issued by the operator CA and SHALL NOT accept a client certificate from any other CA.';
  const a = analyzeCr(seed.replace(sentence, `${sentence} ${both}`), { fileName: 'both.txt', catalogue, scenarios: SCENARIOS });
  const added = a.statements.filter((s) => s.text.includes('client certificate'));
  assert.deepEqual(
    added.map((s) => [s.keyword, s.normalizedKeyword, s.text]),
    [
      ['SHALL', 'SHALL', 'The EVVM Server SHALL accept a client certificate issued by the operator CA.'],
      ['SHALL NOT', 'SHALL NOT', 'The EVVM Server SHALL NOT accept a client certificate from any other CA.'],
    ],
  );
  assert.equal(a.summary.statements, 13);
});

test('an informative statement of fact the CR makes MAY is weakened against the catalogue', () => {
  const seed = read(SEED_SEC);
  const fact = 'The EVVM Enabler ensures the security of EVVM voicemail contents';
  const a = analyzeCr(seed.replace(fact, 'The EVVM Enabler MAY ensure the security of EVVM voicemail contents'), { fileName: 'may.txt', catalogue, scenarios: SCENARIOS });
  const s = a.statements.find((x) => x.matches.some((m) => m.id === 'EVVM-CONT-00'));
  assert.deepEqual([s?.keyword, s?.change], ['MAY', 'weakened']);
  assert.match(a.exit.reasons.join('\n'), /weakened against the catalogue: S8/);
});
