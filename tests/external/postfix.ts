/**
 * A third-party SMTP server for the external-IUT tests: Debian's Postfix as a Forwarding Gateway, configured
 * in a temporary folder of its own (main.cf, master.cf, queue, data) with the gateway's own test PKI, one
 * smtpd on a 127.0.0.1 port, relaying its relay domain to a port on 127.0.0.1 where the harness receives.
 * Postfix's master must start as root (it drops to the postfix user); it runs in the foreground
 * (`postfix start-fg`), stopped by the pid its master wrote.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { freePort } from './ports';
import { clientCaPem } from '../../simulators/crypto/pki/trust';
import type { TestPki } from '../../simulators/crypto/pki/types';

export const POSTFIX = ['/usr/sbin/postfix'].find((p) => existsSync(p));

export interface PostfixOptions {
  dir: string;
  /** leaf then intermediate, and its key */
  serverChainPem: string;
  serverKeyPem: string;
  /** the CAs client certificates must chain to */
  clientCaPem: string;
  /** conformant: TLS and a client certificate required, and relaying only for the EVVM Server's certificate (by fingerprint) */
  requireClientCert: boolean;
  /** the EVVM Server's client certificate, the one the gateway relays for */
  evvmServerCertPem: string;
  relayDomain: string;
  /** where it relays the relay domain: the harness's receiver; without it, the domain is final here (taken, then discarded) */
  forwardTo?: number;
  /** its host name (default: the Forwarding Gateway's) */
  hostname?: string;
  /** the client certificate it presents when it sends (leaf then intermediate, and its key) */
  outbound?: { chainPem: string; keyPem: string };
  /**
   * smtpd_tls_protocols (and the mandatory ones), when set: `>=TLSv1.2` conformant, `>=TLSv1` not (STD-07).
   * Below TLS 1.2 the cipher lists also lower OpenSSL's security level to 0: without that, Debian's OpenSSL 3
   * still refuses TLS 1.0 and 1.1 whatever the protocols say.
   */
  minTlsVersion?: 'TLSv1' | 'TLSv1.2';
}

export interface RunningPostfix {
  port: number;
  stop(): Promise<void>;
}


function mainCf(o: PostfixOptions, dir: string): string {
  const fingerprint = new X509Certificate(o.evvmServerCertPem).fingerprint256;
  const tls = o.requireClientCert
    ? ['smtpd_tls_security_level = encrypt', 'smtpd_tls_ask_ccert = yes', 'smtpd_tls_req_ccert = yes', 'smtpd_tls_fingerprint_digest = sha256', `relay_clientcerts = inline:{ ${fingerprint}=evvm-server }`, 'smtpd_relay_restrictions = permit_tls_clientcerts, reject']
    : ['smtpd_tls_security_level = may', 'smtpd_relay_restrictions = permit_mynetworks, reject'];
  return [
    'compatibility_level = 3.6',
    `config_directory = ${dir}`,
    `queue_directory = ${dir}/queue`,
    `data_directory = ${dir}/data`,
    'mail_owner = postfix',
    'setgid_group = postdrop',
    // no syslog in a container: Postfix logs to a file of its own
    `maillog_file = ${dir}/maillog`,
    `maillog_file_prefixes = ${dir}`,
    'inet_interfaces = 127.0.0.1',
    'inet_protocols = ipv4',
    `myhostname = ${o.hostname ?? 'forwarding-gateway.op.example'}`,
    'mydestination =',
    'mynetworks = 127.0.0.0/8',
    `relay_domains = ${o.relayDomain}`,
    `transport_maps = inline:{ ${o.relayDomain}=${o.forwardTo === undefined ? 'discard:' : `smtp:[127.0.0.1]:${o.forwardTo}`} }`,
    'smtp_tls_security_level = may',
    ...(o.outbound ? [`smtp_tls_cert_file = ${dir}/client.pem`, `smtp_tls_key_file = ${dir}/client.key`] : []),
    `smtpd_tls_cert_file = ${dir}/server.pem`,
    `smtpd_tls_key_file = ${dir}/server.key`,
    `smtpd_tls_CAfile = ${dir}/client-ca.pem`,
    ...tls,
    ...(o.minTlsVersion ? [`smtpd_tls_protocols = >=${o.minTlsVersion}`, `smtpd_tls_mandatory_protocols = >=${o.minTlsVersion}`] : []),
    ...(o.minTlsVersion === 'TLSv1' ? ['tls_medium_cipherlist = DEFAULT:@SECLEVEL=0', 'tls_high_cipherlist = DEFAULT:@SECLEVEL=0'] : []),
    // a refused recipient is final: a retry would only slow the test
    'smtpd_delay_reject = yes',
    'queue_run_delay = 1s',
    'minimal_backoff_time = 1s',
    '',
  ].join('\n');
}

function masterCf(port: number): string {
  const services = [
    `127.0.0.1:${port} inet n - n - - smtpd`,
    'pickup unix n - n 60 1 pickup',
    'cleanup unix n - n - 0 cleanup',
    'qmgr unix n - n 300 1 qmgr',
    'tlsmgr unix - - n 1000? 1 tlsmgr',
    'rewrite unix - - n - - trivial-rewrite',
    'bounce unix - - n - 0 bounce',
    'defer unix - - n - 0 bounce',
    'trace unix - - n - 0 bounce',
    'verify unix - - n - 1 verify',
    'flush unix n - n 1000? 0 flush',
    'proxymap unix - - n - - proxymap',
    'smtp unix - - n - - smtp',
    'relay unix - - n - - smtp',
    'showq unix n - n - - showq',
    'error unix - - n - - error',
    'retry unix - - n - - error',
    'discard unix - - n - - discard',
    'anvil unix - - n - 1 anvil',
    'scache unix - - n - 1 scache',
    'postlog unix-dgram n - n - 1 postlogd',
  ];
  return `${services.join('\n')}\n`;
}

async function listening(port: number, child: ChildProcess, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`postfix exited with ${child.exitCode}`);
    const up = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port }, () => (s.destroy(), resolve(true)));
      s.on('error', () => resolve(false));
    });
    if (up) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`postfix did not listen on ${port}`);
}

/**
 * Postfix as the Forwarding Gateway of a test PKI of its own (dovecot.ts dovecotWorkspace): its server
 * certificate, the EVVM Server's client certificate it relays for, relaying mail.example to `forwardTo`.
 */
export function startGatewayPostfix(pki: TestPki, o: Pick<PostfixOptions, 'dir' | 'requireClientCert' | 'forwardTo' | 'minTlsVersion'>): Promise<RunningPostfix> {
  return startPostfix({
    ...o,
    serverChainPem: pki.leaf('forwarding-gateway').chainPem,
    serverKeyPem: pki.leaf('forwarding-gateway').keyPem,
    clientCaPem: clientCaPem(pki),
    evvmServerCertPem: pki.leaf('evvm-server-client').chainPem,
    relayDomain: 'mail.example',
  });
}

export async function startPostfix(o: PostfixOptions): Promise<RunningPostfix> {
  const dir = o.dir;
  mkdirSync(path.join(dir, 'queue'), { recursive: true });
  mkdirSync(path.join(dir, 'data'), { recursive: true });
  const uid = Number(/^postfix:x:(\d+):/m.exec(readFileSync('/etc/passwd', 'utf8'))?.[1]);
  chownSync(path.join(dir, 'data'), uid, -1);
  writeFileSync(path.join(dir, 'server.pem'), o.serverChainPem);
  writeFileSync(path.join(dir, 'server.key'), o.serverKeyPem, { mode: 0o600 });
  writeFileSync(path.join(dir, 'client-ca.pem'), o.clientCaPem);
  if (o.outbound) {
    writeFileSync(path.join(dir, 'client.pem'), o.outbound.chainPem);
    writeFileSync(path.join(dir, 'client.key'), o.outbound.keyPem, { mode: 0o600 });
  }
  const port = await freePort();
  writeFileSync(path.join(dir, 'main.cf'), mainCf(o, dir));
  writeFileSync(path.join(dir, 'master.cf'), masterCf(port));
  const child = spawn(POSTFIX!, ['-c', dir, 'start-fg'], { stdio: 'ignore', detached: true });
  const alive = (pid: number): boolean => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  const stop = async (): Promise<void> => {
    // the master leaves the script's process group (setsid): it is stopped by the pid it wrote, then the script's group
    const pidFile = path.join(dir, 'queue', 'pid', 'master.pid');
    const master = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').trim()) : undefined;
    if (master && alive(master)) process.kill(master, 'SIGTERM');
    if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGTERM');
    const deadline = Date.now() + 5000;
    while (((master && alive(master)) || (child.exitCode === null && child.signalCode === null)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    if (master && alive(master)) process.kill(master, 'SIGKILL');
  };
  try {
    await listening(port, child, Date.now() + 20_000);
  } catch (e) {
    await stop();
    const log = existsSync(path.join(dir, 'maillog')) ? readFileSync(path.join(dir, 'maillog'), 'utf8').split('\n').slice(-8).join('\n') : '';
    throw new Error(`${(e as Error).message}\n${log}`);
  }
  return { port, stop };
}
