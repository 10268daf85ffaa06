import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectFormat, parseChangeTarget, parseCr } from '../../harness/cr/document';
import { catalogueLevel, compareLevels, findKeywords, levelOf } from '../../harness/cr/keywords';
import { CatalogueMatcher } from '../../harness/cr/match';
import { compressIds, matchKey, neutralKey, splitSentences } from '../../harness/cr/normalize';
import { extractCandidates } from '../../harness/cr/statements';
import { catalogue, read, SEED_CPM, SEED_SEC } from './helpers';

test('sentences: "e.g.," and version numbers do not end a sentence', () => {
  const text =
    'Similar mutual authentications are expected to take place between components, e.g., EVVM Server and Message Storage Server. ' +
    'It supplements VVM 1.3. The password may be set, e.g. EVVM Server sets it. Done.';
  assert.deepEqual(
    splitSentences(text).map((s) => s.text),
    [
      'Similar mutual authentications are expected to take place between components, e.g., EVVM Server and Message Storage Server.',
      'It supplements VVM 1.3.',
      'The password may be set, e.g. EVVM Server sets it.',
      'Done.',
    ],
  );
  assert.equal(splitSentences(text)[1]?.start, text.indexOf('It supplements'));
});

test('keywords: RFC 2119 words in any case and the seeds\' weaker forms, strongest first', () => {
  const hits = findKeywords('X SHALL NOT do it, may do that, is expected to do this, is optional, and is subject to: policy; it MUST.');
  assert.deepEqual(
    hits.map((h) => [h.written, h.keyword]),
    [
      ['SHALL NOT', 'SHALL NOT'],
      ['may', 'MAY'],
      ['is expected to', 'EXPECTED'],
      ['is optional', 'OPTIONAL'],
      ['is subject to', 'SUBJECT TO'],
      ['MUST', 'MUST'],
    ],
  );
  assert.deepEqual(catalogueLevel('SHALL support'), { rank: 3, negated: false });
  assert.deepEqual(catalogueLevel('expected'), { rank: 2, negated: false });
  assert.deepEqual(catalogueLevel('MUST / SHOULD NOT'), { rank: 3, negated: false });
  assert.equal(catalogueLevel('defined'), undefined);
  assert.equal(catalogueLevel('candidate'), undefined);
  assert.equal(compareLevels(levelOf('SHOULD'), levelOf('SHALL')), 'strengthened');
  assert.equal(compareLevels(levelOf('SHALL'), levelOf('SHOULD')), 'weakened');
  assert.equal(compareLevels(levelOf('MUST'), levelOf('MUST NOT')), 'inverted');
  assert.equal(compareLevels(levelOf('SHALL'), levelOf(undefined)), 'weakened');
  assert.equal(compareLevels(levelOf('MAY'), levelOf('OPTIONAL')), 'same');
});

test('typography: curly quotes, bullets, spaces in brackets and trailing punctuation do not matter', () => {
  assert.equal(matchKey('Service provider’s policy. · Service provider’s deployment,'), matchKey("service provider's policy. - Service provider's deployment").replace(' -', ''));
  assert.equal(matchKey('[RFC2595][ RFC3501].'), '[rfc2595][rfc3501]');
  assert.equal(neutralKey('X SHOULD be done'), neutralKey('X shall be done'));
  assert.equal(neutralKey('It is optional here'), neutralKey('It MAY here'));
});

test('ID ranges for people', () => {
  assert.equal(compressIds(['EVVM-AUTH-05', 'EVVM-AUTH-06', 'EVVM-AUTH-07', 'EVVM-AUTH-08', 'EVVM-CONT-01']), 'EVVM-AUTH-05..08, EVVM-CONT-01');
  assert.equal(compressIds(['EVVM-SMS-C03', 'EVVM-SMS-C01', 'EVVM-SMS-C02']), 'EVVM-SMS-C01..C03');
  assert.equal(compressIds(['CPM-MS-AUTH-05', 'CPM-MS-AUTH-06', 'STD-02']), 'CPM-MS-AUTH-05, CPM-MS-AUTH-06, STD-02');
});

test('change instructions name their clause', () => {
  assert.deepEqual(parseChangeTarget('Update Section 6.4, Security Considerations.'), { number: '6.4', title: 'Security Considerations' });
  assert.deepEqual(parseChangeTarget('Replace clause 5.1.2 "Authentication" of the TS as follows.'), { number: '5.1.2', title: 'Authentication' });
  assert.deepEqual(parseChangeTarget('Add §7.3'), { number: '7.3' });
  assert.equal(parseChangeTarget('It’s suggested adding the clarification of Username/Password.'), undefined);
});

test('format detection: by extension, else by Markdown headings', () => {
  assert.equal(detectFormat('anything', 'cr.md'), 'markdown');
  assert.equal(detectFormat('# heading', 'cr.txt'), 'text');
  assert.equal(detectFormat('## 6 Detailed Change Proposal\n'), 'markdown');
  assert.equal(detectFormat(read(SEED_SEC)), 'text');
});

test('document: the seeds\' change proposals, clauses and sections', () => {
  const sec = parseCr(read(SEED_SEC));
  assert.deepEqual([sec.proposal.found, sec.proposal.line, sec.clauses.length], [true, 17, 1]);
  const clause = sec.clauses[0];
  assert.ok(clause);
  assert.deepEqual(clause.sections.map((s) => s.heading?.raw), ['4. Security Considerations', '4. Authentication', 'Security of Voice Mail Contents']);
  assert.deepEqual(clause.sections[0]?.paragraphs[0]?.items.map((i) => i.text), [
    'Authentication,',
    'Security of voicemail contents,',
    'Security of SMS notifications,',
    'Security of voicemail interworking.',
  ]);
  const cpm = parseCr(read(SEED_CPM));
  assert.deepEqual(cpm.clauses[0]?.heading, { line: 50, raw: '5.1.2 Authentication', number: '5.1.2', title: 'Authentication' });
  assert.deepEqual(cpm.clauses[0]?.sections[0]?.paragraphs[0]?.items.map((i) => [i.marker, i.line]), [['a)', 55], ['b)', 57]]);
  // Text outside the proposal (Reason for Change: "should be removed"; IPR: "Members shall submit") is not read.
  assert.ok(!extractCandidates(sec).some((c) => /should be removed|shall submit/.test(c.text)));
});

test('Markdown: wrapped paragraphs, emphasis, escapes, setext headings and fenced code', () => {
  const md = [
    '## 6 Detailed Change Proposal',
    '',
    '**Change 1:** Update Section 6.4, Security Considerations.',
    '',
    'Security Considerations',
    '=======================',
    '',
    'The EVVM Client **SHALL** authenticate the EVVM Server and vice versa according',
    'to \\[OMA SEC CF\\].',
    '',
    '```',
    'The EVVM Server SHALL ignore this code block.',
    '```',
    '',
    '## 7 Something else',
    'The EVVM Server SHALL not be read here.',
  ].join('\n');
  const doc = parseCr(md, { fileName: 'x.md' });
  assert.deepEqual(doc.clauses.map((c) => [c.change?.target?.number, c.heading?.title]), [['6.4', 'Security Considerations']]);
  const cands = extractCandidates(doc);
  assert.deepEqual(
    cands.map((c) => [c.text, c.line, c.principal?.written]),
    [['The EVVM Client SHALL authenticate the EVVM Server and vice versa according to [OMA SEC CF].', 8, 'SHALL']],
  );
  assert.deepEqual(new CatalogueMatcher(catalogue).match(cands[0]?.text ?? '').matches.map((m) => m.requirement.id), ['EVVM-AUTH-03', 'EVVM-AUTH-04']);
});

test('matching: a reworded statement is "similar" with a score; unrelated text is new', () => {
  const m = new CatalogueMatcher(catalogue);
  const reworded = m.match('The EVVM Server SHALL authenticate the EVVM user with any one of the identifiers associated with the voicemail box.');
  assert.deepEqual(reworded.matches.map((x) => [x.requirement.id, x.method]), [['EVVM-AUTH-01', 'similar']]);
  assert.ok((reworded.matches[0]?.confidence ?? 0) >= 0.5 && (reworded.matches[0]?.confidence ?? 1) < 0.95);
  const unrelated = m.match('The EVVM Server SHALL log the time of day.');
  assert.deepEqual(unrelated.matches, []);
  assert.ok(unrelated.nearest && unrelated.nearest.confidence < 0.5);
});
