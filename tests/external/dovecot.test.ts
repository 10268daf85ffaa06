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
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { TestPki } from '../../simulators/crypto/pki/types';
import { DOVECOT, dovecotWorkspace, startDovecot, stopAllDovecots, type DovecotOptions, type DovecotUser, type RunningDovecot } from './dovecot';
import { EVVM_SERVER_REQUIREMENTS, MSS_REQUIREMENTS, readVerdicts, runCli, writeIutProfile, type IutAccountSpec, type IutProfileSpec, type Verdicts } from './helpers';

const SKIP = DOVECOT ? false : 'dovecot is not installed (apt-get install dovecot-imapd); the external-IUT interop tests need it';
const root = process.getuid?.() === 0;
const SKIP_ROOT = SKIP || (root ? false : 'dovecot must be started as root for these tests (it drops to its own users)');

type Role = 'message-storage' | 'evvm-server';
type Config =
  | 'conformant'
  | 'plaintext'
  | 'no client certificate'
  | 'certificate optional'
  | 'anything-goes password'
  | "another user's mailbox"
  | 'anonymous'
  | 'down'
  | 'STARTTLS only'
  | 'no TLS'
  | 'DIGEST-MD5'
  | 'DIGEST-MD5 off, declared'
  | 'DIGEST-MD5 on, undeclared'
  | 'PSK-TLS declared';

/** What a configuration changes in Dovecot and in the vendor's declared policy and capabilities. */
interface Setup {
  dovecot: Pick<DovecotOptions, 'ssl' | 'disablePlaintextAuth' | 'requireClientCert' | 'verifyClientCert' | 'anyPassword' | 'anonymousUser' | 'implicitTls' | 'extraMechanisms'>;
  policy: IutProfileSpec['policy'];
  /** what the vendor declares beyond the defaults below (transports, SASL mechanisms, PSK-TLS versions) */
  declares?: Partial<Pick<IutProfileSpec['capabilities'], 'transports' | 'sasl' | 'pskTls'>>;
  /** bob's credentials open alice's mailbox */
  bobOpensAlice?: boolean;
  down?: boolean;
}

const CONFORMANT: Setup['dovecot'] = { ssl: 'required', disablePlaintextAuth: true, requireClientCert: true };
const REQUIRED = { requireTls: true, clientCertificate: 'required' } as const;
const SASL = ['PLAIN', 'LOGIN', 'CRAM-MD5', 'SCRAM-SHA-256'];

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
  // the imaps listener off: STARTTLS on 143 is the only way in, and the vendor declares exactly that
  'STARTTLS only': { dovecot: { ...CONFORMANT, implicitTls: false }, policy: REQUIRED, declares: { transports: ['starttls'] } },
  // ssl = no: the STARTTLS the vendor declares is never offered
  'no TLS': { dovecot: { ...CONFORMANT, ssl: 'no', implicitTls: false }, policy: REQUIRED, declares: { transports: ['starttls'] } },
  'DIGEST-MD5': { dovecot: { ...CONFORMANT, extraMechanisms: ['digest-md5'] }, policy: REQUIRED, declares: { sasl: [...SASL, 'DIGEST-MD5'] } },
  // declared in the profile, but not in Dovecot's auth_mechanisms
  'DIGEST-MD5 off, declared': { dovecot: CONFORMANT, policy: REQUIRED, declares: { sasl: [...SASL, 'DIGEST-MD5'] } },
  // in Dovecot's auth_mechanisms, but not declared in the profile
  'DIGEST-MD5 on, undeclared': { dovecot: { ...CONFORMANT, extraMechanisms: ['digest-md5'] }, policy: REQUIRED },
  // Dovecot has no TLS-PSK (RFC 4279) at all: a vendor who declares it anyway gets what the wire shows
  'PSK-TLS declared': { dovecot: CONFORMANT, policy: REQUIRED, declares: { pskTls: ['TLSv1.2', 'TLSv1.3'] } },
};

/** The verdicts each configuration must get, per role; only these requirements' tags run. */
interface Expectation {
  verdicts: Record<string, string>;
  exit: 0 | 1 | 2;
  /** reasons the report must give */
  reasons?: Record<string, RegExp>;
  /** outcomes and reasons of single scenarios, by requirement and scenario name */
  scenarios?: Record<string, Record<string, { outcome: string; reason?: RegExp }>>;
  /** the declaration check's findings, as "kind capability: requirements" */
  findings?: string[];
  /** text the evidence of the run must hold (a note the harness records), by requirement and scenario name */
  evidence?: Record<string, Record<string, RegExp>>;
}

const all = (ids: readonly string[], verdict: string): Record<string, string> => Object.fromEntries(ids.map((id) => [id, verdict]));
const WRONG_MAILBOX = /opened another mailbox \(alice's marker seen in bob's session\)/;
const CERT_MISSING = /certificate is missing gets no session/;
// without a passdb, every identifier is a user of its own: a wrong password gets in, and the MSISDN opens an empty mailbox
const LET_IN = /answered OK|opened another mailbox/;

const DIGEST_SCENARIO = 'AUTHENTICATE DIGEST-MD5 gets a session once the EVVM Server proved the password';
const LEGACY = /DIGEST-MD5 is (legacy|historic) \(RFC 6331\)/;

/** Only the configurations a role's requirements speak to are run for it. */
const EXPECTED: Record<Role, Partial<Record<Config, Expectation>>> = {
  'message-storage': {
    // Dovecot declares no PSK-TLS: excluded by the declaration, with the reason, never a pass
    conformant: { verdicts: { ...all(MSS_REQUIREMENTS, 'pass'), 'CPM-MS-AUTH-06': 'not-applicable', 'STD-06': 'not-applicable' }, exit: 0 },
    plaintext: { verdicts: { 'STD-02': 'fail', 'STD-03': 'fail', 'CPM-MS-AUTH-05': 'fail', 'CPM-MS-AUTH-02': 'pass' }, exit: 1, reasons: { 'STD-03': /answered OK/ } },
    // "expected" mutual authentication (EVVM-AUTH-05): a warning, not a fail
    'no client certificate': { verdicts: { 'CPM-MS-AUTH-05': 'fail', 'EVVM-AUTH-05': 'warning', 'STD-03': 'pass' }, exit: 1, reasons: { 'CPM-MS-AUTH-05': CERT_MISSING } },
    'certificate optional': { verdicts: { 'CPM-MS-AUTH-05': 'fail', 'EVVM-AUTH-05': 'warning' }, exit: 1, reasons: { 'CPM-MS-AUTH-05': CERT_MISSING } },
    'anything-goes password': { verdicts: { 'CPM-MS-AUTH-01': 'fail', 'CPM-MS-AUTH-02': 'fail', 'CPM-MS-AUTH-03': 'fail' }, exit: 1, reasons: { 'CPM-MS-AUTH-02': /answered OK/, 'CPM-MS-AUTH-03': /answered OK/ } },
    "another user's mailbox": { verdicts: { 'CPM-MS-AUTH-02': 'fail' }, exit: 1, reasons: { 'CPM-MS-AUTH-02': WRONG_MAILBOX } },
    anonymous: { verdicts: { 'CPM-MS-AUTH-01': 'fail' }, exit: 1, reasons: { 'CPM-MS-AUTH-01': /does not support is refused/ } },
    down: { verdicts: { 'CPM-MS-AUTH-02': 'inconclusive', 'STD-03': 'inconclusive' }, exit: 2 },
    // the handshake fails: STD-06 fails like CPM-MS-AUTH-06 (it was a harness error: the check did not evidence STD-06)
    'PSK-TLS declared': { verdicts: { 'STD-06': 'fail', 'CPM-MS-AUTH-06': 'fail' }, exit: 1, reasons: { 'STD-06': /declared .* but the implementation under test does not offer it/ } },
  },
  'evvm-server': {
    // Dovecot refuses with its own texts: a warning on VVM-01 alone, EVVM-AUTH-01/04 still pass; it stores a
    // \Flagged a VVM client must not set (VVM-05 a warning); DIGEST-MD5, not declared, is not held against it
    conformant: {
      verdicts: { ...all(EVVM_SERVER_REQUIREMENTS, 'pass'), 'VVM-01': 'warning', 'VVM-02': 'pass', 'VVM-03': 'pass', 'VVM-05': 'warning', 'STD-04': 'pass' },
      exit: 0,
      reasons: { 'VVM-01': /expected NO "invalid password"/, 'VVM-05': /expected NO "command not allowed", the server answered OK/ },
      scenarios: { 'VVM-02': { [DIGEST_SCENARIO]: { outcome: 'not-applicable', reason: LEGACY } } },
    },
    plaintext: { verdicts: { 'STD-02': 'fail', 'STD-03': 'fail' }, exit: 1, reasons: { 'STD-02': /LOGINDISABLED/, 'STD-03': /answered OK/ } },
    'no client certificate': { verdicts: { 'EVVM-AUTH-04': 'fail' }, exit: 1, reasons: { 'EVVM-AUTH-04': CERT_MISSING } },
    'certificate optional': { verdicts: { 'EVVM-AUTH-04': 'fail' }, exit: 1, reasons: { 'EVVM-AUTH-04': CERT_MISSING } },
    'anything-goes password': { verdicts: { 'EVVM-AUTH-01': 'fail', 'EVVM-AUTH-04': 'fail' }, exit: 1, reasons: { 'EVVM-AUTH-01': LET_IN, 'EVVM-AUTH-04': LET_IN } },
    "another user's mailbox": { verdicts: { 'EVVM-AUTH-01': 'fail' }, exit: 1, reasons: { 'EVVM-AUTH-01': WRONG_MAILBOX } },
    anonymous: { verdicts: { 'EVVM-AUTH-04': 'fail' }, exit: 1, reasons: { 'EVVM-AUTH-04': /SASL ANONYMOUS authenticates nobody/ } },
    down: { verdicts: { 'EVVM-AUTH-01': 'inconclusive', 'STD-03': 'inconclusive', 'STD-04': 'inconclusive', 'VVM-01': 'inconclusive', 'VVM-03': 'inconclusive' }, exit: 2 },
    // implicit TLS is a "should" (RFC 8314): a warning; the STARTTLS it has is right
    'STARTTLS only': { verdicts: { 'STD-04': 'warning', 'VVM-03': 'pass', 'EVVM-AUTH-01': 'pass' }, exit: 0, reasons: { 'STD-04': /offers no implicit TLS port/ } },
    'no TLS': { verdicts: { 'VVM-03': 'fail' }, exit: 1, reasons: { 'VVM-03': /VvmTlsUp: STARTTLS answered (BAD|NO)/ } },
    'DIGEST-MD5': { verdicts: { 'VVM-02': 'pass' }, exit: 0, scenarios: { 'VVM-02': { [DIGEST_SCENARIO]: { outcome: 'pass' } } }, evidence: { 'VVM-02': { [DIGEST_SCENARIO]: LEGACY } } },
    // its legacy scenarios do not run, and the declaration check says why: offered, not declared
    'DIGEST-MD5 on, undeclared': { verdicts: { 'VVM-02': 'pass' }, exit: 0, findings: ['offered-not-declared SASL DIGEST-MD5: VVM-02'], scenarios: { 'VVM-02': { [DIGEST_SCENARIO]: { outcome: 'not-applicable', reason: LEGACY } } } },
    'DIGEST-MD5 off, declared': { verdicts: { 'VVM-02': 'fail' }, exit: 1, reasons: { 'VVM-02': /no proven DIGEST-MD5 session/ } },
  },
};

/** a configuration's name in file names (lower case: "DIGEST-MD5" and "digest-md5" are one) */
const slug = (config: Config): string => config.toLowerCase().replace(/[^a-z0-9]+/g, '-');

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

/** What a certification's report says, with its scenarios' outcomes and the text of its evidence. */
interface Certified extends Verdicts {
  scenarios: Record<string, Array<{ name: string; outcome: string; reason?: string; evidence: string }>>;
  findings: string[];
}

async function certify(role: Role, config: Config): Promise<Certified> {
  const setup = SETUPS[config];
  const expected = EXPECTED[role][config]!;
  const name = `${role}-${slug(config)}`;
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
    const transports = ['implicit-tls', 'starttls'];
    const declares = { transports, sasl: SASL, loginCommand: true, ...setup.declares };
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
      capabilities: role === 'evvm-server' ? declares : { pskTls: [], preconfiguredPassword: true, ...declares },
      // an identity and key the vendor says it provisioned (Dovecot has no PSK-TLS to provision them in)
      ...(setup.declares?.pskTls?.length ? { psk: { identity: 'evvm-server', keyHex: randomBytes(32).toString('hex') } } : {}),
      accounts,
    });
    const out = path.join(dir, `${name}-report`);
    const ids = Object.keys(expected.verdicts);
    const r = await runCli(['run', '--profile', file, '--tags', ids.map((id) => `@${id}`).join(' or '), '--out', out], env, 240_000);
    const report = JSON.parse(await readFile(path.join(out, 'conformance.json'), 'utf8')) as {
      run: { declaration?: { findings: Array<{ kind: string; capability: string; requirements: string[] }> } };
      requirements: Array<{ id: string; scenarios: Certified['scenarios'][string] }>;
    };
    const scenarios = Object.fromEntries(report.requirements.filter((q) => ids.includes(q.id)).map((q) => [q.id, q.scenarios]));
    const findings = (report.run.declaration?.findings ?? []).map((f) => `${f.kind} ${f.capability}: ${f.requirements.join(' ')}`);
    return { ...(await readVerdicts(out, r, ids)), summary: r.stdout + r.stderr, scenarios, findings };
  } finally {
    await dovecot?.stop();
  }
}

// Every configuration and role runs once, a few at a time (separate Dovecots and CLI runs): the machine's
// cores, not the matrix's size, set the pace.
const PARALLEL = 4;
const ROLES: Role[] = ['message-storage', 'evvm-server'];
const CONFIGS = Object.keys(SETUPS) as Config[];
const runs = new Map<string, Promise<Certified>>();
const planned = ROLES.flatMap((role) => CONFIGS.filter((config) => EXPECTED[role][config]).map((config) => ({ role, config, expected: EXPECTED[role][config]! })));

function startRuns(): void {
  const queue = planned;
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

for (const { role, config, expected } of planned) {
  const verdictList = Object.entries(expected.verdicts).map(([id, v]) => `${id} ${v}`).join(', ');
  test(`Dovecot as ${role}, ${config}: ${verdictList}, exit ${expected.exit}`, { skip: SKIP_ROOT }, async () => {
    const v = await runs.get(`${role}/${config}`)!;
    for (const [id, verdict] of Object.entries(expected.verdicts)) assert.equal(v.verdicts[id], verdict, `${id}: ${v.reasons[id]}\n${v.summary}`);
    for (const [id, reason] of Object.entries(expected.reasons ?? {})) assert.match(v.reasons[id] ?? '', reason, v.summary);
    const scenario = (id: string, name: string) => v.scenarios[id]?.find((s) => s.name === name) ?? assert.fail(`${id}: no scenario "${name}"`);
    for (const [id, byName] of Object.entries(expected.scenarios ?? {})) {
      for (const [name, want] of Object.entries(byName)) {
        const s = scenario(id, name);
        assert.equal(s.outcome, want.outcome, `${id} "${name}": ${s.reason}`);
        if (want.reason) assert.match(s.reason ?? '', want.reason);
      }
    }
    for (const [id, byName] of Object.entries(expected.evidence ?? {})) {
      for (const [name, text] of Object.entries(byName)) assert.match(await readFile(path.join(dir, `${role}-${slug(config)}-report`, scenario(id, name).evidence), 'utf8'), text);
    }
    if (expected.findings) assert.deepEqual(v.findings, expected.findings);
    assert.equal(v.exit, expected.exit, v.summary);
  });
}
