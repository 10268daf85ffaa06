/**
 * Helpers for the external-IUT tests: run the CLI with secrets in its environment, write an IUT profile,
 * read a report. The profile is exactly what a vendor writes (docs/certifying.md).
 */
import type { ChildProcess } from 'node:child_process';
import { copyFile, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import assert from 'node:assert/strict';
import path from 'node:path';
import { stringify } from 'yaml';
import { cli, simulate, type CliResult } from '../cli/cli';
import { Transcript } from '../../evidence/transcript';
import { RawImapClient } from '../../simulators/protocol/imap/client/raw-client';

export type { CliResult };

/** The compiled CLI with extra environment variables (the profile's passwordEnv values). */
export function runCli(args: string[], env: Record<string, string> = {}, timeoutMs = 90_000): Promise<CliResult> {
  return cli(args, timeoutMs, env);
}

/** Everything a run printed and wrote (stdout, stderr, every file of its report): where no secret may appear. */
export async function everything(out: string, r: CliResult): Promise<string> {
  const files = (await readdir(out, { recursive: true })).map((f) => path.join(out, f));
  const texts = await Promise.all(files.map(async (f) => ((await stat(f)).isFile() ? readFile(f, 'latin1') : '')));
  return [r.stdout, r.stderr, ...texts].join('\n');
}

/**
 * `simulate ROLE --profile-out DIR/NAME.yaml` with `faults` switched on: the simulator standing in for a
 * vendor's implementation, the profile it wrote and its env file's values (checked private, mode 0600).
 * The caller stops `child`.
 */
export async function profileOut(role: string, dir: string, name: string, faults: readonly string[] = []): Promise<{ child: ChildProcess; file: string; env: Record<string, string> }> {
  const config = path.join(dir, `${name}.config.yaml`);
  await writeFile(config, stringify({ faults }));
  const file = path.join(dir, `${name}.yaml`);
  const { child, ready } = await simulate(role, {}, ['--config', config, '--profile-out', file]);
  assert.deepEqual(ready.profile, { profile: file, env: `${file}.env` });
  assert.equal((await stat(`${file}.env`)).mode & 0o777, 0o600, 'the env file is private');
  const env = Object.fromEntries((await readFile(`${file}.env`, 'utf8')).split('\n').filter(Boolean).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  return { child, file, env };
}

export interface IutAccountSpec {
  name: string;
  username: string;
  password: string;
  tuiPin?: string;
  sip?: { uri: string; password: string };
  preconfigured?: boolean;
  /** Message-ID of a message only this account's INBOX holds (iut.accounts[].messageId) */
  messageId?: string;
  /** an EVVM Server's mailbox identifiers */
  identifiers?: { MSISDN: string; 'SIP URI': string; 'e-mail alias': string };
  blocked?: boolean;
}

export interface IutProfileSpec {
  file: string;
  host: string;
  servername: string;
  ports: { imaps?: number; imap?: number };
  trustAnchor: string;
  clientCertificate?: { cert: string; key: string };
  /** expired and revoked client certificates from the IUT's CA (EVVM Server) */
  badClientCertificates?: { expired?: { cert: string; key: string }; revoked?: { cert: string; key: string } };
  psk?: { identity: string; keyHex: string };
  /** the role the IUT plays; default message-storage */
  role?: 'message-storage' | 'evvm-server';
  policy: { requireTls: boolean; clientCertificate: 'required' | 'optional' | 'none' };
  /** pskTls and preconfiguredPassword are the Message Storage Server's; identifier* the EVVM Server's */
  capabilities: { transports: string[]; sasl: string[]; loginCommand: boolean; pskTls?: string[]; preconfiguredPassword?: boolean; identifierAuthzid?: boolean; identifierNamespace?: boolean };
  accounts: IutAccountSpec[];
}

/** Writes an IUT profile (a Message Storage Server unless spec.role says otherwise); secrets go to environment variables, returned for runCli. */
export async function writeIutProfile(spec: IutProfileSpec): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  const envName = (account: string, what: string): string => `IUT_${account.toUpperCase()}_${what}`;
  const accounts = spec.accounts.map((a) => {
    env[envName(a.name, 'PASSWORD')] = a.password;
    const out: Record<string, unknown> = { name: a.name, username: a.username, passwordEnv: envName(a.name, 'PASSWORD'), preconfigured: a.preconfigured ?? false, blocked: a.blocked ?? false };
    if (a.messageId) out.messageId = a.messageId;
    if (a.identifiers) out.identifiers = a.identifiers;
    if (a.tuiPin) {
      env[envName(a.name, 'TUI_PIN')] = a.tuiPin;
      out.tuiPinEnv = envName(a.name, 'TUI_PIN');
    }
    if (a.sip) {
      env[envName(a.name, 'SIP_PASSWORD')] = a.sip.password;
      out.sipUri = a.sip.uri;
      out.sipPasswordEnv = envName(a.name, 'SIP_PASSWORD');
    }
    return out;
  });
  if (spec.psk) env.IUT_PSK_KEY = spec.psk.keyHex;
  const role = spec.role ?? 'message-storage';
  const section = role === 'evvm-server' ? 'evvmServer' : 'messageStorage';
  const profile = {
    name: `iut-${path.basename(spec.file, '.yaml')}`,
    policy: { [section]: spec.policy },
    capabilities: { [section]: spec.capabilities },
    iut: {
      role,
      host: spec.host,
      servername: spec.servername,
      ports: spec.ports,
      trustAnchor: spec.trustAnchor,
      ...(spec.clientCertificate ? { clientCertificate: spec.clientCertificate } : {}),
      ...(spec.badClientCertificates ? { badClientCertificates: spec.badClientCertificates } : {}),
      ...(spec.psk ? { psk: { identity: spec.psk.identity, keyEnv: 'IUT_PSK_KEY' } } : {}),
      accounts,
    },
  };
  await writeFile(spec.file, stringify(profile));
  return env;
}

/** What `simulate message-storage` prints when ready: everything a vendor's profile names. */
export interface MessageStorageReady {
  endpoints: { imaps: string; imap: string; control: string };
  trust: { ca: string; clientCert: string; clientKey: string; servername: string; pskIdentity: string; pskKeyHex: string };
  accounts: Array<{ name: string; username: string; password: string; tuiPin: string; sipUri: string; sipPassword: string; preconfigured: boolean; messageId: string }>;
}

/**
 * Starts the Message Storage Server simulator on its own and describes it as a vendor's profile would
 * (`file`): the default profile's policy and capabilities spelled out, every port and account. Its trust
 * material is copied into `dir`, since the simulator removes its own when it stops. `args` go to `simulate`
 * (`--config FILE`: the simulator's own profile and faults).
 */
export async function messageStorageIut(dir: string, file: string, args: readonly string[] = []): Promise<{ child: ChildProcess; ready: MessageStorageReady; spec: IutProfileSpec }> {
  const started = await simulate('message-storage', {}, args);
  const ready = started.ready as unknown as MessageStorageReady;
  for (const f of ['ca', 'clientCert', 'clientKey'] as const) await copyFile(ready.trust[f], path.join(dir, f));
  const port = (e: string): number => Number(e.split(':')[1]);
  const spec: IutProfileSpec = {
    file,
    host: '127.0.0.1',
    servername: ready.trust.servername,
    ports: { imaps: port(ready.endpoints.imaps), imap: port(ready.endpoints.imap) },
    trustAnchor: path.join(dir, 'ca'),
    clientCertificate: { cert: path.join(dir, 'clientCert'), key: path.join(dir, 'clientKey') },
    psk: { identity: ready.trust.pskIdentity, keyHex: (await readFile(ready.trust.pskKeyHex, 'utf8')).trim() },
    policy: { requireTls: true, clientCertificate: 'required' },
    capabilities: { transports: ['implicit-tls', 'starttls'], sasl: ['PLAIN', 'LOGIN', 'CRAM-MD5', 'SCRAM-SHA-256', 'EXTERNAL'], loginCommand: true, pskTls: ['TLSv1.2', 'TLSv1.3'], preconfiguredPassword: true },
    accounts: ready.accounts.map((a) => ({ name: a.name, username: a.username, password: a.password, tuiPin: a.tuiPin, sip: { uri: a.sipUri, password: a.sipPassword }, preconfigured: a.preconfigured, messageId: a.messageId })),
  };
  return { child: started.child, ready, spec };
}

export interface Verdicts {
  exit: number | null;
  summary: string;
  verdicts: Record<string, string>;
  /** each requirement's reason, as the report gives it */
  reasons: Record<string, string>;
}

/** The requirements of this clause: what the external tests compare. */
export const MSS_REQUIREMENTS = ['CPM-MS-AUTH-01', 'CPM-MS-AUTH-02', 'CPM-MS-AUTH-03', 'CPM-MS-AUTH-04', 'CPM-MS-AUTH-05', 'CPM-MS-AUTH-06', 'EVVM-AUTH-05', 'STD-02', 'STD-03'];
export const MSS_TAGS = MSS_REQUIREMENTS.map((id) => `@${id}`).join(' or ');
/** The requirements an EVVM Server IUT is judged on (features/authentication). */
export const EVVM_SERVER_REQUIREMENTS = ['EVVM-AUTH-01', 'EVVM-AUTH-02', 'EVVM-AUTH-03', 'EVVM-AUTH-04', 'STD-02', 'STD-03'];

export async function readVerdicts(out: string, r: CliResult, requirements: readonly string[] = MSS_REQUIREMENTS): Promise<Verdicts> {
  const report = JSON.parse(await readFile(path.join(out, 'conformance.json'), 'utf8')) as {
    summary: { verdict: string };
    requirements: Array<{ id: string; verdict: string; reason: string }>;
  };
  const verdicts: Record<string, string> = {};
  const reasons: Record<string, string> = {};
  for (const q of report.requirements) {
    if (!requirements.includes(q.id)) continue;
    verdicts[q.id] = q.verdict;
    reasons[q.id] = q.reason;
  }
  return { exit: r.code, summary: report.summary.verdict, verdicts, reasons };
}

interface EvvmServerReady {
  endpoints: { imaps: string; imap: string };
  trust: { ca: string; clientCert: string; clientKey: string };
  accounts: Array<{ name: string; identifiers: string[]; password: string; blocked: boolean }>;
}

/**
 * Starts `simulate evvm-server` and describes it as a vendor's profile would: its trust material copied
 * into `dir` (ca, clientCert, clientKey: the simulator removes its own when it stops), its ports, and each
 * account with its identifiers, its password in `env` (passwordEnv) and the Message-ID only its mailbox holds.
 */
export async function evvmServerIut(dir: string): Promise<{ child: ChildProcess; ports: { imaps: number; imap: number }; accounts: Array<Record<string, unknown>>; env: Record<string, string> }> {
  const started = await simulate('evvm-server');
  const ready = started.ready as unknown as EvvmServerReady;
  for (const f of ['ca', 'clientCert', 'clientKey'] as const) await copyFile(ready.trust[f], path.join(dir, f));
  const [ca, cert, key] = await Promise.all(['ca', 'clientCert', 'clientKey'].map((f) => readFile(path.join(dir, f), 'utf8')));
  const port = (e: string): number => Number(e.split(':')[1]);
  const ports = { imaps: port(ready.endpoints.imaps), imap: port(ready.endpoints.imap) };
  const env: Record<string, string> = {};
  const accounts: Array<Record<string, unknown>> = [];
  for (const a of ready.accounts) {
    env[`EVVM_${a.name.toUpperCase()}`] = a.password;
    accounts.push({
      name: a.name,
      identifiers: { MSISDN: a.identifiers[0], 'SIP URI': a.identifiers[1], 'e-mail alias': a.identifiers[2] },
      passwordEnv: `EVVM_${a.name.toUpperCase()}`,
      blocked: a.blocked,
      ...(a.blocked ? {} : { messageId: await firstMessageId(ports.imaps, { ca: ca!, cert: cert!, key: key! }, a.identifiers[0]!, a.password) }),
    });
  }
  return { child: started.child, ports, accounts, env };
}

/** The Message-ID of the first message in a mailbox of `simulate evvm-server`: what a vendor who provisioned it names in the profile. */
export async function firstMessageId(port: number, tlsOptions: { ca: string; cert: string; key: string }, user: string, password: string): Promise<string> {
  const c = await RawImapClient.connect({ host: '127.0.0.1', port, tls: 'implicit', tlsOptions: { ...tlsOptions, servername: 'evvm-server.op.example' }, transcript: new Transcript() });
  try {
    await c.login(user, password);
    await c.select('INBOX');
    const r = await c.command('FETCH 1 (BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])');
    return /<[^>\s]+>/.exec(r.untagged.join('\n'))![0];
  } finally {
    c.close();
  }
}
