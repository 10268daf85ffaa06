/**
 * A third-party IMAP server for the external-IUT tests: Debian's dovecot (dovecot-imapd), configured in a
 * temporary folder with its own config file, a passwd-file passdb and the test PKI, on 127.0.0.1 ports,
 * run in the foreground (`dovecot -F -c FILE`) and stopped by its own pid.
 *
 * Dovecot treats a connection whose remote and local addresses are equal as "secured" and lets it log in
 * in the clear, which on loopback would hide exactly what the tests look for. Each listener therefore
 * takes the PROXY protocol (haproxy = yes, trusted from 127.0.0.1), and a tiny front on 127.0.0.1 announces
 * the client as an address of the documentation networks (RFC 5737), a fresh one per connection. That address is only a label in the header: every byte
 * still flows over 127.0.0.1.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './ports';
import { generateTestPki, DEFAULT_LEAVES, writePki } from '../../simulators/crypto/pki';
import type { TestPki } from '../../simulators/crypto/pki/types';

export const DOVECOT = ['/usr/sbin/dovecot', '/usr/local/sbin/dovecot'].find((p) => existsSync(p));

/** A test's folder for its dovecots, with a PKI of the IUT's own (not the harness's) written in `pkiDir`. */
export interface DovecotWorkspace {
  dir: string;
  pki: TestPki;
  pkiDir: string;
  remove(): Promise<void>;
}

export async function dovecotWorkspace(prefix: string): Promise<DovecotWorkspace> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  await chmod(dir, 0o755); // dovecot's own users (dovenull, dovecot) must traverse it
  const pki = await generateTestPki({ leaves: DEFAULT_LEAVES });
  const pkiDir = path.join(dir, 'pki');
  await writePki(pki, pkiDir, { includeKeys: true });
  return { dir, pki, pkiDir, remove: () => rm(dir, { recursive: true, force: true }) };
}

export interface DovecotUser {
  /** the login name; ':' is looked up as '_' (auth_username_translation), so tel: and sip: URIs work */
  username: string;
  password: string;
  /** the user whose mailbox this login opens (an alias of it); default: its own */
  mailbox?: string;
  /** refused whatever the password (nologin) */
  blocked?: boolean;
}

export interface DovecotOptions {
  dir: string;
  /** leaf then intermediate, and its key */
  serverChainPem: string;
  serverKeyPem: string;
  /** the CA certificate and its CRLs, for client certificates */
  clientCaPem: string;
  users: DovecotUser[];
  /** conformant: TLS required and client certificates required */
  ssl: 'required' | 'yes' | 'no';
  disablePlaintextAuth: boolean;
  requireClientCert: boolean;
  /** a client certificate is asked for and verified when presented, but a client without one gets in */
  verifyClientCert?: boolean;
  /** any password opens any mailbox (static passdb, nopassword) */
  anyPassword?: boolean;
  /** SASL ANONYMOUS logs in as this user */
  anonymousUser?: string;
  /** messages stored in users' INBOX before the start, by mailbox (the username that owns it) */
  messages?: Record<string, Buffer[]>;
  /**
   * ssl_min_protocol, default TLSv1.2. Below it, ssl_cipher_list also lowers OpenSSL's security level to 0:
   * without that, Debian's OpenSSL 3 still refuses TLS 1.0 and 1.1 whatever ssl_min_protocol says.
   */
  sslMinProtocol?: 'TLSv1' | 'TLSv1.1' | 'TLSv1.2';
  /** the implicit TLS listener (imaps); default on. Off, only the STARTTLS port listens */
  implicitTls?: boolean;
  /** SASL mechanisms beside plain, login, cram-md5 and scram-sha-256, e.g. digest-md5 */
  extraMechanisms?: string[];
}

export interface RunningDovecot {
  /** the PROXY-protocol fronts: what the harness connects to */
  /** undefined when the implicit TLS listener is off */
  imaps: number | undefined;
  imap: number;
  log: string;
  stop(): Promise<void>;
}


/**
 * A loopback source address per connection (127.0.1.1 … 127.0.3.254), shared by every front. It is only a
 * label in the PROXY header, and never 127.0.0.1: dovecot treats a client whose address equals its own
 * as already secure and would allow plaintext login.
 */
let sourceCounter = 0;
function nextSource(): string {
  const n = sourceCounter++ % (3 * 254);
  return `127.0.${Math.floor(n / 254) + 1}.${(n % 254) + 1}`;
}

/** A PROXY v1 front for one dovecot listener. */
async function proxyFront(target: number): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect({ host: '127.0.0.1', port: target });
    sockets.add(client).add(upstream);
    // a close on either side closes the other: a half-open upstream would hold a dovecot login process
    client.on('close', () => {
      sockets.delete(client);
      upstream.destroy();
    });
    upstream.on('close', () => {
      sockets.delete(upstream);
      client.destroy();
    });
    // a fresh source label per connection: dovecot's auth penalty (2 s, doubling, per IP) would otherwise
    // slow every login after the negative scenarios' deliberate failures
    upstream.write(`PROXY TCP4 ${nextSource()} 127.0.0.1 ${client.remotePort ?? 0} ${target}\r\n`);
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** Stores each mailbox's messages in its Maildir INBOX, owned by the mail user. */
function seedMessages(mailDir: string, messages: Record<string, Buffer[]>, uid: number, gid: number): void {
  for (const [user, list] of Object.entries(messages)) {
    const home = path.join(mailDir, user);
    const maildir = path.join(home, 'Maildir');
    const dirs = [home, maildir, ...['cur', 'new', 'tmp'].map((sub) => path.join(maildir, sub))];
    for (const dir of dirs) mkdirSync(dir, { recursive: true });
    const files = list.map((m, i) => {
      const file = path.join(maildir, 'new', `${Date.now()}.M${i}P${process.pid}.evvm-conformance`);
      writeFileSync(file, m);
      return file;
    });
    for (const p of [...dirs, ...files]) chownSync(p, uid, gid);
  }
}

async function waitForPort(port: number, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`dovecot exited with ${child.exitCode}: ${log()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port }, () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`dovecot did not listen on ${port}: ${log()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const running = new Set<RunningDovecot>();

/** Stops every dovecot this process started and has not stopped yet (an after hook's safety net). */
export async function stopAllDovecots(): Promise<void> {
  await Promise.all([...running].map((d) => d.stop()));
}

export async function startDovecot(o: DovecotOptions): Promise<RunningDovecot> {
  if (!DOVECOT) throw new Error('dovecot is not installed');
  const d = (p: string): string => path.join(o.dir, p);
  for (const sub of ['run', 'state', 'mail']) mkdirSync(d(sub), { recursive: true });
  // login processes run as dovenull and must traverse base_dir; mail processes run as dovecot
  chmodSync(o.dir, 0o755);
  chmodSync(d('run'), 0o755);
  const uid = Number(execFileSync('id', ['-u', 'dovecot']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'dovecot']).toString().trim());
  chownSync(d('mail'), uid, gid);
  writeFileSync(d('server.crt'), o.serverChainPem);
  writeFileSync(d('server.key'), o.serverKeyPem, { mode: 0o600 });
  writeFileSync(d('client-ca.pem'), o.clientCaPem);
  const extra = (u: DovecotUser): string => [u.mailbox ? `user=${u.mailbox}` : '', u.blocked ? 'nologin' : ''].filter(Boolean).join(' ');
  writeFileSync(d('passwd'), o.users.map((u) => `${u.username.replaceAll(':', '_')}:{PLAIN}${u.password}::::::${extra(u)}\n`).join(''), { mode: 0o640 });
  chownSync(d('passwd'), 0, gid);
  seedMessages(d('mail'), o.messages ?? {}, uid, gid);
  const implicitTls = o.implicitTls ?? true;
  const ports = { imap: await freePort(), imaps: implicitTls ? await freePort() : 0 };
  const conf = [
    'protocols = imap',
    'listen = 127.0.0.1',
    `base_dir = ${d('run')}`,
    `state_dir = ${d('state')}`,
    `instance_name = evvm-conformance-${path.basename(o.dir)}`,
    `log_path = ${d('dovecot.log')}`,
    `ssl = ${o.ssl}`,
    `ssl_cert = <${d('server.crt')}`,
    `ssl_key = <${d('server.key')}`,
    `ssl_ca = <${d('client-ca.pem')}`,
    `ssl_verify_client_cert = ${o.requireClientCert || o.verifyClientCert ? 'yes' : 'no'}`,
    `auth_ssl_require_client_cert = ${o.requireClientCert ? 'yes' : 'no'}`,
    `ssl_min_protocol = ${o.sslMinProtocol ?? 'TLSv1.2'}`,
    ...(o.sslMinProtocol && o.sslMinProtocol !== 'TLSv1.2' ? ['ssl_cipher_list = DEFAULT:@SECLEVEL=0'] : []),
    `disable_plaintext_auth = ${o.disablePlaintextAuth ? 'yes' : 'no'}`,
    `auth_mechanisms = ${['plain', 'login', 'cram-md5', 'scram-sha-256', ...(o.extraMechanisms ?? []), ...(o.anonymousUser ? ['anonymous'] : [])].join(' ')}`,
    ...(o.anonymousUser ? [`auth_anonymous_username = ${o.anonymousUser}`] : []),
    // tel: and sip: identifiers: '+' and ':' allowed, and ':' looked up as '_' (passwd-file separates by ':')
    'auth_username_chars = abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ01234567890.-_@+:',
    'auth_username_translation = :_',
    // a test server answers failures at once (the default waits 2 s)
    'auth_failure_delay = 0',
    'passdb {',
    ...(o.anyPassword ? ['  driver = static', '  args = nopassword=y'] : ['  driver = passwd-file', `  args = scheme=PLAIN username_format=%u ${d('passwd')}`]),
    '}',
    'userdb {',
    '  driver = static',
    `  args = uid=dovecot gid=dovecot home=${d('mail')}/%u`,
    '}',
    'first_valid_uid = 1',
    'mail_location = maildir:~/Maildir',
    'haproxy_trusted_networks = 127.0.0.1',
    'service imap-login {',
    `  inet_listener imap {\n    port = ${ports.imap}\n    haproxy = yes\n  }`,
    `  inet_listener imaps {\n    port = ${ports.imaps}\n    ssl = yes\n    haproxy = yes\n  }`,
    '}',
    // nothing else of a full install: no pop3, lmtp, stats writers on system paths
    'service stats {\n  unix_listener stats-writer {\n    mode = 0666\n  }\n}',
    '',
  ].join('\n');
  writeFileSync(d('dovecot.conf'), conf);
  let output = '';
  const child = spawn(DOVECOT, ['-F', '-c', d('dovecot.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (b: Buffer) => (output += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (output += b.toString()));
  const stopChild = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await waitForPort(ports.imap, child, () => output);
    if (implicitTls) await waitForPort(ports.imaps, child, () => output);
  } catch (err) {
    await stopChild();
    throw err;
  }
  // port 0 switches a listener off in Dovecot: it gets no front
  const fronts = await Promise.all([proxyFront(ports.imap), ...(implicitTls ? [proxyFront(ports.imaps)] : [])]);
  const instance: RunningDovecot = {
    imap: fronts[0]!.port,
    imaps: fronts[1]?.port,
    log: d('dovecot.log'),
    stop: async () => {
      running.delete(instance);
      await Promise.all(fronts.map((f) => f.close()));
      await stopChild();
    },
  };
  running.add(instance);
  return instance;
}
