/**
 * The hostile IMAP server's corpus (PRAC-02): cases generated from a seed, so a failing case replays
 * from its seed and number alone. Each family is one of the hostile behaviours the practice names; the
 * payloads are mutated from well-formed responses, so they stay close enough to IMAP to reach the
 * client's parser rather than its first sanity check.
 */
import { Rng } from '../../fuzz/rng';
import type { After, HostileCase, Stage } from './hostile-imap-server';

/** The size a hostile server announces for its big literal: 100 MB, never allocated. */
export const HUGE_LITERAL_OCTETS = 100 * 1024 * 1024;

type Draft = Omit<HostileCase, 'index'>;

const NAMESPACE_OK = '* NAMESPACE (("" "/")) NIL NIL\r\n{TAG} OK done\r\n';
const LIST_LINE = '* LIST (\\HasNoChildren) "/" INBOX\r\n';
const FETCH_HEAD = '* 1 FETCH (UID 1 BODY[] ';
const STAGES: readonly Stage[] = ['greeting', 'CAPABILITY', 'LOGIN', 'NAMESPACE', 'SELECT', 'FETCH'];
const ENDINGS: readonly After[] = ['close', 'hang', 'continue'];

function malformedNamespace(r: Rng): Draft {
  const forms = [
    () => r.mutate(NAMESPACE_OK),
    () => `* NAMESPACE ${'('.repeat(1 + r.size(20_000))}"" "/"\r\n{TAG} OK done\r\n`,
    () => `* NAMESPACE (("" "/" "X-EXT" (${Array.from({ length: 1 + r.size(3000) }, () => '"a"').join(' ')}))) NIL NIL\r\n{TAG} OK done\r\n`,
    () => `* NAMESPACE (("${r.text(r.size(300))}" "${r.text(1 + r.int(4))}")) NIL NIL\r\n{TAG} OK done\r\n`,
    () => `* NAMESPACE (("" {${r.size(100_000)}}\r\n/)) NIL NIL\r\n{TAG} OK done\r\n`,
    () => `* NAMESPACE ((${'"" "/" '.repeat(1 + r.size(5000))})) NIL NIL\r\n{TAG} OK done\r\n`,
    () => `* NAMESPACE (("" "/")) NIL\r\n{TAG} OK done\r\n`,
    () => `* NAMESPACE (("" "/"\0)) NIL NIL\r\n{TAG} OK done\r\n`,
  ];
  return { family: 'malformed NAMESPACE', stage: 'NAMESPACE', payload: r.pick(forms)(), delivery: 'burst', after: r.pick(ENDINGS) };
}

function malformedList(r: Rng): Draft {
  const forms = [
    () => r.mutate(LIST_LINE),
    () => `* LIST (${'\\Noselect '.repeat(1 + r.size(5000))}) "/" INBOX\r\n`,
    () => `* LIST () "${r.text(1 + r.int(8))}" {${r.size(70_000)}}\r\nINBOX\r\n`,
    () => `* LIST () "/" "${r.text(r.size(2000))}\r\n`,
    () => `* LIST ((((()))) NIL ${'"x" '.repeat(r.size(2000))}\r\n`,
  ];
  // LIST responses arrive unsolicited, ahead of the answer the client waits for
  return { family: 'malformed LIST', stage: r.pick(['NAMESPACE', 'SELECT', 'FETCH'] as const), payload: r.pick(forms)() + '{NORMAL}', delivery: 'burst', after: 'continue' };
}

function lyingLiteral(r: Rng): Draft {
  const claimed = 1 + r.size(5000);
  const sent = r.chance(0.5) ? r.int(claimed) : claimed + 1 + r.size(500);
  const body = 'x'.repeat(sent);
  const payload = r.pick([
    () => `${FETCH_HEAD}{${claimed}}\r\n${body})\r\n{TAG} OK done\r\n`,
    () => `${FETCH_HEAD}{${claimed}}\r\n${body}`,
    () => `${FETCH_HEAD}{${r.pick(['-1', '99999999999999999999', '0x10', '', ' 5', '5 '])}}\r\n${body})\r\n{TAG} OK done\r\n`,
    () => `* 1 FETCH (UID 1 BODY[] {${claimed}}\r\n${body}) * 2 FETCH (UID 2 BODY[] {${claimed}}\r\n\r\n{TAG} OK done\r\n`,
  ])();
  return { family: 'literal that lies about its length', stage: 'FETCH', payload, delivery: 'burst', after: r.pick(ENDINGS) };
}

function endlessContinuation(r: Rng): Draft {
  const line = r.pick(['+ \r\n', '+ go ahead\r\n', `+ ${Buffer.from(r.text(1 + r.int(40)), 'latin1').toString('base64')}\r\n`, '+']);
  return { family: 'endless continuation', stage: r.pick(STAGES), payload: line, delivery: 'endless', after: 'close' };
}

function hugeLiteral(r: Rng): Draft {
  const stage = r.pick(['FETCH', 'NAMESPACE', 'SELECT'] as const);
  const head = stage === 'FETCH' ? FETCH_HEAD : stage === 'NAMESPACE' ? '* NAMESPACE (("" ' : '* LIST () "/" ';
  return { family: '100 MB literal', stage, payload: `${head}{${HUGE_LITERAL_OCTETS}}\r\n`, delivery: 'literal', after: 'close', literalOctets: HUGE_LITERAL_OCTETS };
}

function unsolicited(r: Rng): Draft {
  const noise = [
    `* ${r.int(100_000)} EXISTS\r\n`,
    `* ${r.int(10)} EXPUNGE\r\n`,
    '* OK [ALERT] the server is hostile\r\n',
    `* ${1 + r.int(9)} FETCH (FLAGS (\\Seen) UID ${r.int(1_000_000)})\r\n`,
    '* CAPABILITY IMAP4rev1 LOGINDISABLED\r\n',
    '* BYE going away\r\n',
    '* PREAUTH already authenticated\r\n',
    `A${r.int(1000)} OK not yours\r\n`,
    '* NO [ALERT] something\r\n',
  ];
  const lines = Array.from({ length: 1 + r.int(6) }, () => r.pick(noise)).join('');
  return { family: 'unsolicited responses', stage: r.pick(STAGES), payload: lines + '{NORMAL}', delivery: 'burst', after: 'continue' };
}

function slowDrip(r: Rng): Draft {
  return { family: 'slow drip', stage: r.pick(STAGES), payload: '{NORMAL}', delivery: 'drip', after: 'close' };
}

function partialMailbox(r: Rng): Draft {
  const first = `* 1 FETCH (UID 1 BODY[] {${'first voicemail'.length}}\r\nfirst voicemail)\r\n`;
  const second = r.pick([`* 2 FETCH (UID 2 BODY[] {500}\r\ncut short`, `* 2 FETCH (UID 2 BODY[] ${r.text(r.size(200))}\r\n`, '* 2 FETCH (UID 2 BODY[] {5}\r\n', `* 2 FETCH ${r.mutate('(UID 2 BODY[] {3}\r\nabc)')}\r\n`]);
  return { family: 'mailbox broken after the first voicemail', stage: 'FETCH', payload: first + second, delivery: 'burst', after: r.pick(['close', 'hang'] as const) };
}

function garbage(r: Rng): Draft {
  const payload = r.chance(0.5) ? r.bytes(1 + r.size(4000)).toString('latin1') : `* ${'A'.repeat(70_000 + r.size(200_000))}`;
  return { family: 'garbage and over-long lines', stage: r.pick(STAGES), payload, delivery: 'burst', after: r.pick(ENDINGS) };
}

/** A normal answer mutated (not FETCH's: a mutated voicemail body that still parses is data, not hostility). */
function mutatedAnswer(r: Rng): Draft {
  const stage = r.pick(STAGES.filter((s) => s !== 'FETCH'));
  return { family: 'mutated answer', stage, payload: '{NORMAL}', mutation: r.int(2 ** 31), delivery: 'burst', after: r.pick(ENDINGS) };
}

/** The families and their weights: the rare expensive ones (100 MB, drip, endless) are a few per cent each. */
const FAMILIES: ReadonlyArray<[number, (r: Rng) => Draft]> = [
  [16, malformedNamespace],
  [14, malformedList],
  [14, lyingLiteral],
  [3, endlessContinuation],
  [1, hugeLiteral],
  [12, unsolicited],
  [3, slowDrip],
  [10, partialMailbox],
  [10, garbage],
  [17, mutatedAnswer],
];
const TOTAL = FAMILIES.reduce((n, [w]) => n + w, 0);

/** Every family's name, as its cases carry it. */
export const HOSTILE_FAMILIES: readonly string[] = FAMILIES.map(([, make]) => make(new Rng(0)).family);

/**
 * Case `index` of the corpus of `seed`: made from its own generator (seed and index), so one case
 * replays without the others. Every family appears in the first cases of any corpus, whatever the seed.
 */
export function hostileCase(seed: number, index: number): HostileCase {
  const r = new Rng((Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca77)) >>> 0);
  let family = FAMILIES[index % FAMILIES.length]![1];
  if (index >= FAMILIES.length) {
    let w = r.int(TOTAL);
    for (const [weight, make] of FAMILIES) if ((w -= weight) < 0) {
      family = make;
      break;
    }
  }
  return { index, ...family(r) };
}

export function hostileCorpus(seed: number, count: number): HostileCase[] {
  return Array.from({ length: count }, (_, i) => hostileCase(seed, i));
}
