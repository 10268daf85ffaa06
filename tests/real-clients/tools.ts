/**
 * Real third-party IMAP clients from Debian (curl, fetchmail, mbsync) run as processes against a
 * `simulate` server on loopback. Each returns what it fetched and its exit status; the tests judge those
 * and what the server recorded, never the tools' wording.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** The ready line of `simulate evvm-server` or `simulate message-storage` (the parts the clients need). */
export interface Ready {
  role: string;
  ready: boolean;
  endpoints: { imaps: string; imap: string; control: string };
  trust: { ca: string; clientCert: string; clientKey: string; servername?: string };
}

/** Certificate and key files a client presents. */
export interface ClientCertificate {
  cert: string;
  key: string;
}

/** One login attempt: whose credentials, which certificate (none: undefined). */
export interface Login {
  ready: Ready;
  user: string;
  password: string;
  certificate: ClientCertificate | undefined;
}

export interface Fetched {
  /** the tool's exit status (a timeout or a kill counts as -1) */
  code: number;
  /** every message the tool fetched, as text */
  messages: string[];
}

const TIMEOUT_MS = 20_000;

/** The name the server's certificate carries, which the clients check. */
function servername(ready: Ready): string {
  return ready.trust.servername ?? 'evvm-server.op.example';
}

function port(ready: Ready): string {
  return ready.endpoints.imaps.split(':')[1]!;
}

/** Runs a tool; resolves with its exit status and stdout, never rejects on a non-zero exit. */
function run(tool: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile(tool, args, { timeout: TIMEOUT_MS, env: { ...process.env, ...env }, maxBuffer: 4 * 1024 * 1024 }, (err, stdout) => {
      if (!err) return resolve({ code: 0, stdout });
      const code = (err as { code?: unknown }).code;
      resolve({ code: typeof code === 'number' ? code : -1, stdout });
    });
  });
}

/** Why a tool cannot run here, or undefined when it can. */
export async function missing(tool: 'curl' | 'fetchmail' | 'mbsync'): Promise<string | undefined> {
  const r = await run(tool, ['--version']);
  return r.code === 0 || (tool === 'fetchmail' && r.code === 1) ? undefined : `${tool} is not installed (Debian package ${tool === 'mbsync' ? 'isync' : tool})`;
}

export function tempDir(): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), 'evvm-real-client-'));
}

/** The first certificate of a chain file alone: what a client sends that does not send its chain. */
export async function leafOnly(chainFile: string, dir: string): Promise<string> {
  const pem = await readFile(chainFile, 'utf8');
  const end = '-----END CERTIFICATE-----';
  const file = path.join(dir, `leaf-only-${path.basename(chainFile)}`);
  await writeFile(file, pem.slice(0, pem.indexOf(end) + end.length) + '\n');
  return file;
}

function curlArgs(login: Login): string[] {
  const p = port(login.ready);
  return [
    '-s',
    '--max-time', '10',
    '--resolve', `${servername(login.ready)}:${p}:127.0.0.1`,
    '--cacert', login.ready.trust.ca,
    ...(login.certificate ? ['--cert', login.certificate.cert, '--key', login.certificate.key] : []),
  ];
}

/** An imaps URL with the credentials in it: --user would split an identifier such as tel:+1555… at its colon. */
function curlUrl(login: Login, mailboxPath: string): string {
  return `imaps://${encodeURIComponent(login.user)}:${encodeURIComponent(login.password)}@${servername(login.ready)}:${port(login.ready)}/${mailboxPath}`;
}

/** curl fetching one message of INBOX by UID (`;UID=n`). */
export async function curl(login: Login, uid = 1): Promise<Fetched> {
  const r = await run('curl', [...curlArgs(login), curlUrl(login, `INBOX;UID=${uid}`)]);
  return { code: r.code, messages: r.code === 0 && r.stdout ? [r.stdout] : [] };
}

/** Double quotes for a fetchmail or mbsync configuration string. */
function quoted(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * fetchmail 6.4 fetching all of INBOX (kept on the server) by password authentication, so a wrong
 * password cannot be rescued by SASL EXTERNAL. It presents only the first certificate of its file.
 */
export async function fetchmail(login: Login): Promise<Fetched> {
  const dir = await tempDir();
  const spool = path.join(dir, 'fetched');
  const rc = path.join(dir, 'fetchmailrc');
  const cert = login.certificate ? ` sslcert ${quoted(login.certificate.cert)} sslkey ${quoted(login.certificate.key)}` : '';
  await writeFile(
    rc,
    [
      `poll 127.0.0.1 protocol IMAP port ${port(login.ready)} auth password`,
      `  user ${quoted(login.user)} password ${quoted(login.password)} is ${quoted(os.userInfo().username)} here`,
      `  ssl sslcertck sslcertfile ${quoted(login.ready.trust.ca)} sslcommonname ${quoted(servername(login.ready))}${cert}`,
      // one file per message: fetchmail runs the MDA once for each
      `  folder INBOX keep fetchall mda ${quoted(`cat > ${spool}-$$`)}`,
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  const r = await run('fetchmail', ['-f', rc, '--nodetach', '--nosyslog', '--pidfile', path.join(dir, 'pid'), '--idfile', path.join(dir, 'ids')], { HOME: dir });
  return settled(dir, { code: r.code, messages: await filesUnder(dir, (name) => name.startsWith('fetched-')) });
}

/** mbsync (isync) pulling INBOX into a Maildir by password authentication (LOGIN or PLAIN, never EXTERNAL). */
export async function mbsync(login: Login): Promise<Fetched> {
  const dir = await tempDir();
  const maildir = path.join(dir, 'mail');
  // mbsync creates the INBOX folder, not the store's directory
  await mkdir(maildir);
  const rc = path.join(dir, 'mbsyncrc');
  await writeFile(
    rc,
    [
      'IMAPAccount remote',
      // a name the server's certificate carries; the simulator listens on 127.0.0.1 only
      'Host localhost',
      `Port ${port(login.ready)}`,
      `User ${quoted(login.user)}`,
      `Pass ${quoted(login.password)}`,
      'AuthMechs LOGIN PLAIN',
      'SSLType IMAPS',
      'SystemCertificates no',
      `CertificateFile ${login.ready.trust.ca}`,
      ...(login.certificate ? [`ClientCertificate ${login.certificate.cert}`, `ClientKey ${login.certificate.key}`] : []),
      '',
      'IMAPStore far',
      'Account remote',
      '',
      'MaildirStore near',
      `Path ${maildir}/`,
      `Inbox ${maildir}/INBOX`,
      '',
      'Channel pull',
      'Far :far:',
      'Near :near:',
      'Patterns INBOX',
      'Create Near',
      'Sync Pull',
      'SyncState *',
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  const r = await run('mbsync', ['-c', rc, '-a'], { HOME: dir });
  return settled(dir, { code: r.code, messages: await filesUnder(path.join(maildir, 'INBOX'), (_, parent) => parent === 'cur' || parent === 'new') });
}

/** Removes a tool's directory (its configuration holds the password) once its outcome is read. */
async function settled(dir: string, fetched: Fetched): Promise<Fetched> {
  await rm(dir, { recursive: true, force: true });
  return fetched;
}

async function filesUnder(dir: string, keep: (name: string, parent: string) => boolean): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { recursive: true, withFileTypes: true });
  } catch {
    return [];
  }
  const files = entries.filter((e) => e.isFile() && keep(e.name, path.basename(e.parentPath)));
  return Promise.all(files.map((e) => readFile(path.join(e.parentPath, e.name), 'utf8')));
}

/** What the simulator recorded (its control API). */
export interface Recorded {
  authentications: Array<{ conn: string; method: string; identity: string; outcome: 'success' | 'failure' }>;
  connections: Array<{ conn: string; tls?: { clientCertificate?: { authorized: boolean; authorizationError?: string; subject?: string } } }>;
}

export async function recorded(ready: Ready): Promise<Recorded> {
  return (await (await fetch(`${ready.endpoints.control}/observations`)).json()) as Recorded;
}
