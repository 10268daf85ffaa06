/**
 * The verdicts hold on a real third-party IMAP server, not only on our simulators: Debian's Dovecot, in a
 * matrix of configurations, plays each IMAP role (iut.role message-storage and evvm-server) and must get
 * exactly the verdicts below, requirement by requirement. Conformant, it passes everything it declares;
 * each misconfiguration fails the requirement it breaks, with the reason; a Dovecot that is down is
 * inconclusive (exit 2), never a pass. Skipped, with the reason, when dovecot is not installed
 * (apt-get install dovecot-imapd) or the test is not root (dovecot drops to its own users).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import type { TestPki } from '../../simulators/crypto/pki/types';
import { DOVECOT, dovecotWorkspace, startDovecot, stopAllDovecots, type DovecotOptions, type DovecotUser, type RunningDovecot } from './dovecot';
import { EVVM_SERVER_REQUIREMENTS, MSS_REQUIREMENTS, readVerdicts, runCli, writeIutProfile, type IutAccountSpec, type IutProfileSpec, type Verdicts } from './helpers';

const SKIP = DOVECOT ? false : 'dovecot is not installed (apt-get install dovecot-imapd); the external-IUT interop tests need it';
const root = process.getuid?.() === 0;
const SKIP_ROOT = SKIP || (root ? false : 'dovecot must be started as root for these tests (it drops to its own users)');

type Role = 'message-storage' | 'evvm-server';
type Config = 'conformant' | 'plaintext' | 'no client certificate' | 'certificate optional' | 'anything-goes password' | "another user's mailbox" | 'anonymous' | 'down';

/** What a configuration changes in Dovecot and in the vendor's declared policy. */
interface Setup {
  dovecot: Pick<DovecotOptions, 'ssl' | 'disablePlaintextAuth' | 'requireClientCert' | 'verifyClientCert' | 'anyPassword' | 'anonymousUser'>;
  policy: IutProfileSpec['policy'];
  /** bob's credentials open alice's mailbox */
  bobOpensAlice?: boolean;
  down?: boolean;
}

const CONFORMANT: Setup['dovecot'] = { ssl: 'required', disablePlaintextAuth: true, requireClientCert: true };
const REQUIRED = { requireTls: true, clientCertificate: 'required' } as const;

const SETUPS: Record<Config, Setup> = {
  conformant: { dovecot: CONFORMANT, policy: REQUIRED },
  // TLS offered but optional, plaintext LOGIN allowed, while the service provider's policy requires TLS
  plaintext: { dovecot: { ssl: 'yes', disablePlaintextAuth: false, requireClientCert: false }, policy: { requireTls: true, clientCertificate: 'optional' } },
  // no client certificate asked for, while the policy requires one
  'no client certificate': { dovecot: { ...CONFORMANT, requireClientCert: false }, policy: REQUIRED },
  // a certificate is verified when presented, but a client without one gets in
  'certificate optional': { dovecot: { ...CONFORMANT, requireClientCert: false, verifyClientCert: true }, policy: REQUIRED },
  'anything-goes password': { dovecot: { ...CONFORMANT, anyPassword: true }, policy: REQUIRED },
  "another user's mailbox": { dovecot: CONFORMANT, policy: REQUIRED, bobOpensAlice: true },
  // SASL ANONYMOUS lands in alice's mailbox
  anonymous: { dovecot: { ...CONFORMANT, anonymousUser: 'alice@op.example' }, policy: REQUIRED },
  down: { dovecot: CONFORMANT, policy: REQUIRED, down: true },
};

/** The verdicts each configuration must get, per role; only these requirements' tags run. */
interface Expectation {
  verdicts: Record<string, string>;
  exit: 0 | 1 | 2;
  /** reasons the report must give */
  reasons?: Record<string, RegExp>;
}

const all = (ids: readonly string[], verdict: string): Record<string, string> => Object.fromEntries(ids.map((id) => [id, verdict]));
const WRONG_MAILBOX = /opened another mailbox \(alice's marker seen in bob's session\)/;
const CERT_MISSING = /certificate is missing gets no session/;
// without a passdb, every identifier is a user of its own: a wrong password gets in, and the MSISDN opens an empty mailbox
const LET_IN = /answered OK|opened another mailbox/;

const EXPECTED: Record<Role, Record<Config, Expectation>> = {
  'message-storage': {
    // Dovecot declares no PSK-TLS: excluded by the declaration, with the reason, never a pass
    conformant: { verdicts: { ...all(MSS_REQUIREMENTS, 'pass'), 'CPM-MS-AUTH-06': 'not-applicable' }, exit: 0 },
    plaintext: { verdicts: { 'STD-02': 'fail', 'STD-03': 'fail', 'CPM-MS-AUTH-05': 'fail', 'CPM-MS-AUTH-02': 'pass' }, exit: 1, reasons: { 'STD-03': /answered OK/ } },
    // "expected" mutual authentication (EVVM-AUTH-05): a warning, not a fail
    'no client certificate': { verdicts: { 'CPM-MS-AUTH-05': 'fail', 'EVVM-AUTH-05': 'warning', 'STD-03': 'pass' }, exit: 1, reasons: { 'CPM-MS-AUTH-05': CERT_MISSING } },
    'certificate optional': { verdicts: { 'CPM-MS-AUTH-05': 'fail', 'EVVM-AUTH-05': 'warning' }, exit: 1, reasons: { 'CPM-MS-AUTH-05': CERT_MISSING } },
    'anything-goes password': { verdicts: { 'CPM-MS-AUTH-01': 'fail', 'CPM-MS-AUTH-02': 'fail', 'CPM-MS-AUTH-03': 'fail' }, exit: 1, reasons: { 'CPM-MS-AUTH-02': /answered OK/, 'CPM-MS-AUTH-03': /answered OK/ } },
    "another user's mailbox": { verdicts: { 'CPM-MS-AUTH-02': 'fail' }, exit: 1, reasons: { 'CPM-MS-AUTH-02': WRONG_MAILBOX } },
    anonymous: { verdicts: { 'CPM-MS-AUTH-01': 'fail' }, exit: 1, reasons: { 'CPM-MS-AUTH-01': /does not support is refused/ } },
    down: { verdicts: { 'CPM-MS-AUTH-02': 'inconclusive', 'STD-03': 'inconclusive' }, exit: 2 },
  },
  'evvm-server': {
    conformant: { verdicts: all(EVVM_SERVER_REQUIREMENTS, 'pass'), exit: 0 },
    plaintext: { verdicts: { 'STD-02': 'fail', 'STD-03': 'fail' }, exit: 1, reasons: { 'STD-02': /LOGINDISABLED/, 'STD-03': /answered OK/ } },
    'no client certificate': { verdicts: { 'EVVM-AUTH-04': 'fail' }, exit: 1, reasons: { 'EVVM-AUTH-04': CERT_MISSING } },
    'certificate optional': { verdicts: { 'EVVM-AUTH-04': 'fail' }, exit: 1, reasons: { 'EVVM-AUTH-04': CERT_MISSING } },
    'anything-goes password': { verdicts: { 'EVVM-AUTH-01': 'fail', 'EVVM-AUTH-04': 'fail' }, exit: 1, reasons: { 'EVVM-AUTH-01': LET_IN, 'EVVM-AUTH-04': LET_IN } },
    "another user's mailbox": { verdicts: { 'EVVM-AUTH-01': 'fail' }, exit: 1, reasons: { 'EVVM-AUTH-01': WRONG_MAILBOX } },
    anonymous: { verdicts: { 'EVVM-AUTH-04': 'fail' }, exit: 1, reasons: { 'EVVM-AUTH-04': /SASL ANONYMOUS authenticates nobody/ } },
    down: { verdicts: { 'EVVM-AUTH-01': 'inconclusive', 'STD-03': 'inconclusive' }, exit: 2 },
  },
};

let dir: string;
let pki: TestPki;
let pkiDir: string;
let remove: (() => Promise<void>) | undefined;
const pw = (): string => randomBytes(12).toString('base64url');

/** A message whose Message-ID marks one mailbox: the vendor stores it and names it in the profile. */
function marked(owner: string, kind: string): { messageId: string; raw: Buffer } {
  const messageId = `<${kind}-${owner.split('@')[0]}-${randomBytes(6).toString('hex')}@dovecot.test>`;
  const raw = [`To: ${owner}`, 'From: tel:+15557777', `Subject: ${kind} for ${owner}`, `Message-ID: ${messageId}`, '', `A ${kind} only ${owner}'s mailbox holds.`, ''].join('\r\n');
  return { messageId, raw: Buffer.from(raw) };
}

/** The Message Storage Server's CPM users, each with a marker message in its INBOX. */
function storageAccounts(): { accounts: IutAccountSpec[]; messages: Record<string, Buffer[]> } {
  const accounts: IutAccountSpec[] = [
    { name: 'alice', username: 'alice@op.example', password: pw(), tuiPin: '48213377', sip: { uri: 'sip:alice@op.example', password: pw() } },
    { name: 'bob', username: 'bob@op.example', password: pw() },
    { name: 'dave', username: 'dave@op.example', password: pw(), preconfigured: true },
    { name: 'erin', username: 'erin@op.example', password: pw(), preconfigured: true },
  ];
  const messages: Record<string, Buffer[]> = {};
  for (const a of accounts) {
    const m = marked(a.username, 'marker');
    a.messageId = m.messageId;
    messages[a.username] = [m.raw];
  }
  return { accounts, messages };
}

/** The EVVM Server's mailboxes: three identifiers each, aliases of one Dovecot user; carol is blocked. */
function evvmAccounts(): { accounts: IutAccountSpec[]; messages: Record<string, Buffer[]> } {
  const make = (name: string, msisdn: string, blocked = false): IutAccountSpec => {
    const alias = `${name}@op.example`;
    return { name, username: alias, password: pw(), blocked, identifiers: { MSISDN: `tel:${msisdn}`, 'SIP URI': `sip:${alias}`, 'e-mail alias': alias } };
  };
  const accounts = [make('alice', '+15550001'), make('bob', '+15550002'), make('carol', '+15550003', true)];
  const messages: Record<string, Buffer[]> = {};
  for (const a of accounts.filter((x) => !x.blocked)) {
    const vm = marked(a.username, 'voicemail');
    a.messageId = vm.messageId;
    messages[a.username] = [vm.raw];
  }
  return { accounts, messages };
}

/** Dovecot's passdb for the accounts: every identifier an alias of its mailbox; bob's may open alice's. */
function dovecotUsers(accounts: readonly IutAccountSpec[], bobOpensAlice: boolean): DovecotUser[] {
  const mailboxOf = (a: IutAccountSpec): string => (bobOpensAlice && a.name === 'bob' ? accounts.find((x) => x.name === 'alice')!.username : a.username);
  return accounts.flatMap((a) => (a.identifiers ? Object.values(a.identifiers) : [a.username]).map((username) => ({ username, password: a.password, mailbox: mailboxOf(a), blocked: a.blocked ?? false })));
}

async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

async function certify(role: Role, config: Config): Promise<Verdicts> {
  const setup = SETUPS[config];
  const expected = EXPECTED[role][config];
  const name = `${role}-${config.replace(/[^a-z]+/g, '-')}`;
  const { accounts, messages } = role === 'evvm-server' ? evvmAccounts() : storageAccounts();
  const leaf = pki.leaf(role);
  let dovecot: RunningDovecot | undefined;
  try {
    const ports = setup.down
      ? { imaps: await closedPort(), imap: await closedPort() }
      : await startDovecot({
          dir: path.join(dir, name),
          serverChainPem: leaf.chainPem,
          serverKeyPem: leaf.keyPem,
          clientCaPem: [pki.trustAnchorPem, ...pki.crls].join('\n'),
          users: dovecotUsers(accounts, setup.bobOpensAlice ?? false),
          messages,
          ...setup.dovecot,
        }).then((d) => ((dovecot = d), { imaps: d.imaps, imap: d.imap }));
    const file = path.join(dir, `${name}.yaml`);
    const p = (f: string): string => path.join(pkiDir, f);
    const sasl = ['PLAIN', 'LOGIN', 'CRAM-MD5', 'SCRAM-SHA-256'];
    const env = await writeIutProfile({
      file,
      role,
      host: '127.0.0.1',
      servername: `${role}.op.example`,
      ports,
      trustAnchor: p('ca.pem'),
      clientCertificate: { cert: p('evvm-client.crt'), key: p('evvm-client.key') },
      ...(role === 'evvm-server'
        ? { badClientCertificates: { expired: { cert: p('bad/evvm-client.expired.crt'), key: p('bad/evvm-client.expired.key') }, revoked: { cert: p('bad/evvm-client.revoked.crt'), key: p('bad/evvm-client.revoked.key') } } }
        : {}),
      policy: setup.policy,
      capabilities:
        role === 'evvm-server'
          ? { transports: ['implicit-tls', 'starttls'], sasl, loginCommand: true }
          : { transports: ['implicit-tls', 'starttls'], sasl, loginCommand: true, pskTls: [], preconfiguredPassword: true },
      accounts,
    });
    const out = path.join(dir, `${name}-report`);
    const ids = Object.keys(expected.verdicts);
    const r = await runCli(['run', '--profile', file, '--tags', ids.map((id) => `@${id}`).join(' or '), '--out', out], env, 240_000);
    return { ...(await readVerdicts(out, r, ids)), summary: r.stdout + r.stderr };
  } finally {
    await dovecot?.stop();
  }
}

// Every configuration and role runs once, a few at a time (separate Dovecots and CLI runs): the machine's
// cores, not the matrix's size, set the pace.
const PARALLEL = 4;
const ROLES: Role[] = ['message-storage', 'evvm-server'];
const CONFIGS = Object.keys(SETUPS) as Config[];
const runs = new Map<string, Promise<Verdicts>>();

function startRuns(): void {
  const queue = ROLES.flatMap((role) => CONFIGS.map((config) => ({ role, config })));
  const waiting: Array<() => void> = [];
  let active = 0;
  const slot = async (): Promise<void> => {
    if (active < PARALLEL) {
      active++;
      return;
    }
    await new Promise<void>((resolve) => waiting.push(resolve));
  };
  const release = (): void => {
    const next = waiting.shift();
    if (next) next();
    else active--;
  };
  for (const { role, config } of queue) {
    const run = slot().then(() => certify(role, config).finally(release));
    // the tests await them; an early failure must not become an unhandled rejection meanwhile
    run.catch(() => undefined);
    runs.set(`${role}/${config}`, run);
  }
}

before(async () => {
  if (SKIP_ROOT) return;
  ({ dir, pki, pkiDir, remove } = await dovecotWorkspace('evvm-dovecot-'));
  startRuns();
});

after(async () => {
  await stopAllDovecots();
  await remove?.();
});

for (const role of ROLES) {
  for (const config of CONFIGS) {
    const expected = EXPECTED[role][config];
    const verdictList = Object.entries(expected.verdicts).map(([id, v]) => `${id} ${v}`).join(', ');
    test(`Dovecot as ${role}, ${config}: ${verdictList}, exit ${expected.exit}`, { skip: SKIP_ROOT }, async () => {
      const v = await runs.get(`${role}/${config}`)!;
      for (const [id, verdict] of Object.entries(expected.verdicts)) assert.equal(v.verdicts[id], verdict, `${id}: ${v.reasons[id]}\n${v.summary}`);
      for (const [id, reason] of Object.entries(expected.reasons ?? {})) assert.match(v.reasons[id] ?? '', reason, v.summary);
      assert.equal(v.exit, expected.exit, v.summary);
    });
  }
}
