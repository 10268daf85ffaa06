import net from 'node:net';
import tls, { type SecureVersion } from 'node:tls';
import type { TranscriptSink } from '../../evidence/transcript';
import { onlyVersion } from '../../simulators/crypto/tls-versions';
import { PSK_CIPHERS } from '../../simulators/protocol/imap/server/server';
import { InconclusiveError } from '../engine/outcomes';

/** The application protocol on a TLS interface: how to reach the handshake, and what to say inside it. */
export type TlsApplication = 'imap' | 'smtp' | 'smpp';

export interface TlsVersionProbeRequest {
  target: { host: string; port: number; servername: string };
  application: TlsApplication;
  /** implicit TLS, or STARTTLS first (IMAP, SMTP) */
  upgrade: 'implicit' | 'starttls';
  /** the only version offered */
  version: SecureVersion;
  /** PSK-TLS: the identity and key offered instead of certificates */
  psk?: { identity: string; key: Buffer };
  /** a client certificate, for servers that ask for one */
  certificate?: { chainPem: string; keyPem: string };
  transcript: TranscriptSink;
  timeoutMs?: number;
}

/** What the probe saw; the outcome, never an error text, decides a verdict. */
export interface TlsVersionOutcome {
  /** the server was reached and agreed to start TLS (STARTTLS answered); false: nothing was decided */
  reached: boolean;
  /** the TLS handshake completed */
  handshake: boolean;
  /** the version and cipher the handshake completed with */
  protocol?: string;
  cipher?: string;
  /** bytes the server sent inside TLS (a greeting, or the answer to a harmless command) */
  applicationBytes: number;
  /** why there was no session (evidence only) */
  reason?: string;
}

/** Where and how to offer one TLS version to a server interface (harness/roles/tls-versions.ts finds it). */
export interface VersionOffer extends Pick<TlsVersionProbeRequest, 'application' | 'upgrade' | 'psk' | 'certificate'> {
  /** the server, in the reasons' words */
  what: string;
  target: TlsVersionProbeRequest['target'] | undefined;
}

/** Offers only `version` as `offer` says; a server that could not be brought to a handshake decided nothing (inconclusive). */
export async function offerOnly(version: SecureVersion, offer: VersionOffer, transcript: TranscriptSink): Promise<TlsVersionOutcome> {
  const { what, target, ...how } = offer;
  if (!target) throw new InconclusiveError(`${what} offers no such endpoint`);
  if (how.psk) transcript.secret(how.psk.key);
  const outcome = await probeTlsVersion({ target, version, transcript, ...how });
  if (!outcome.reached) throw new InconclusiveError(`${what} at ${target.host}:${target.port} could not be brought to a TLS handshake (${outcome.reason ?? 'no reason'}): nothing was decided`);
  return outcome;
}

const ACTOR = 'TLS Version Probe';
const EHLO = 'EHLO tls-probe.harness.example';
/** SMPP enquire_link, sequence 1: any SMSC answers it (generic_nack before a bind, or enquire_link_resp) */
const ENQUIRE_LINK = Buffer.from('00000010000000150000000000000001', 'hex');
/** how long the probe waits for the server to speak inside the session */
const LISTEN_MS = 800;

/**
 * Test equipment (not a role): offers exactly one TLS version to a server's TLS interface, the way a
 * legacy client would, and reports whether a session came up and whether the server sent application data
 * in it. For TLS 1.0 and 1.1 it lowers OpenSSL's security level for its own context only.
 */
export async function probeTlsVersion(req: TlsVersionProbeRequest): Promise<TlsVersionOutcome> {
  const timeoutMs = req.timeoutMs ?? 5000;
  const peer = `${req.target.host}:${req.target.port}`;
  const note = (text: string, dir: 'send' | 'recv' | 'event' = 'event', channel: 'tls' | 'tcp' | 'imap' | 'smtp' = 'tls'): void =>
    req.transcript.record({ actor: ACTOR, peer, channel, dir, text });
  const outcome: TlsVersionOutcome = { reached: false, handshake: false, applicationBytes: 0 };
  let plain: net.Socket;
  try {
    plain = await connect(req.target, timeoutMs);
  } catch (err) {
    outcome.reason = (err as Error).message;
    note(`no connection: ${outcome.reason}`, 'event', 'tcp');
    return outcome;
  }
  try {
    if (req.upgrade === 'starttls') {
      const agreed = await startTls(plain, req.application, timeoutMs, note);
      if (!agreed.ok) {
        outcome.reason = agreed.reason;
        return outcome;
      }
    }
    outcome.reached = true;
    note(`offers only ${req.version}${req.psk ? ` (PSK-TLS, identity ${req.psk.identity})` : ''}`);
    const secure = await handshake(plain, req, timeoutMs);
    if (!secure.socket) {
      outcome.reason = secure.reason;
      note(`no TLS session: ${secure.reason}`);
      return outcome;
    }
    const s = secure.socket;
    const cipher = s.getCipher();
    outcome.handshake = true;
    outcome.protocol = s.getProtocol() ?? 'unknown';
    outcome.cipher = cipher.standardName ?? cipher.name;
    note(`handshake completed: ${outcome.protocol} ${outcome.cipher}`);
    outcome.applicationBytes = await applicationData(s, req.application);
    note(`the server sent ${outcome.applicationBytes} byte(s) of application data inside TLS`);
    s.destroy();
    return outcome;
  } finally {
    plain.destroy();
  }
}

function connect(target: { host: string; port: number }, timeoutMs: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: target.host, port: target.port });
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error(`no connection within ${timeoutMs} ms`));
    }, timeoutMs);
    s.once('connect', () => {
      clearTimeout(timer);
      s.removeAllListeners('error');
      s.on('error', () => undefined);
      resolve(s);
    });
    s.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

/** Reads lines until `done` says a reply is complete; undefined on close or timeout. */
function readReply(s: net.Socket, done: (line: string) => boolean, timeoutMs: number, log: (line: string) => void): Promise<string | undefined> {
  return new Promise((resolve) => {
    let buf = '';
    const finish = (v: string | undefined): void => {
      clearTimeout(timer);
      s.off('data', onData);
      s.off('close', onClose);
      resolve(v);
    };
    const onData = (d: Buffer): void => {
      buf += d.toString('latin1');
      if (buf.length > 16_384) return finish(undefined);
      let i: number;
      while ((i = buf.indexOf('\r\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 2);
        log(line);
        if (done(line)) return finish(line);
      }
    };
    const onClose = (): void => finish(undefined);
    const timer = setTimeout(() => finish(undefined), timeoutMs);
    s.on('data', onData);
    s.once('close', onClose);
  });
}

/** The protocol's STARTTLS exchange, in the clear; ok when the server said to go ahead. */
async function startTls(
  s: net.Socket,
  application: TlsApplication,
  timeoutMs: number,
  note: (text: string, dir?: 'send' | 'recv' | 'event', channel?: 'tls' | 'tcp' | 'imap' | 'smtp') => void,
): Promise<{ ok: true } | { ok: false; reason: string }> {
  if (application === 'smpp') return { ok: false, reason: 'SMPP has no STARTTLS' };
  const channel = application;
  const recv = (line: string): void => note(line, 'recv', channel);
  const send = (line: string): void => {
    note(line, 'send', channel);
    s.write(line + '\r\n');
  };
  if (application === 'imap') {
    const greeting = await readReply(s, (l) => l.startsWith('* '), timeoutMs, recv);
    if (!greeting?.startsWith('* OK')) return { ok: false, reason: `no IMAP greeting (${greeting ?? 'closed'})` };
    send('S1 STARTTLS');
    const r = await readReply(s, (l) => l.startsWith('S1 '), timeoutMs, recv);
    return r?.startsWith('S1 OK') ? { ok: true } : { ok: false, reason: `STARTTLS not accepted (${r ?? 'closed'})` };
  }
  const greeting = await readReply(s, (l) => /^\d{3} /.test(l), timeoutMs, recv);
  if (!greeting?.startsWith('220')) return { ok: false, reason: `no SMTP greeting (${greeting ?? 'closed'})` };
  send(EHLO);
  const ehlo = await readReply(s, (l) => /^\d{3} /.test(l), timeoutMs, recv);
  if (!ehlo?.startsWith('250')) return { ok: false, reason: `EHLO refused (${ehlo ?? 'closed'})` };
  send('STARTTLS');
  const r = await readReply(s, (l) => /^\d{3} /.test(l), timeoutMs, recv);
  return r?.startsWith('220') ? { ok: true } : { ok: false, reason: `STARTTLS not accepted (${r ?? 'closed'})` };
}

function handshake(plain: net.Socket, req: TlsVersionProbeRequest, timeoutMs: number): Promise<{ socket?: tls.TLSSocket; reason: string }> {
  const legacyPsk = req.version === 'TLSv1' || req.version === 'TLSv1.1';
  const pskCiphers = req.version === 'TLSv1.3' ? 'TLS_AES_128_GCM_SHA256' : legacyPsk ? 'PSK' : PSK_CIPHERS;
  const options: tls.ConnectionOptions = {
    socket: plain,
    servername: req.target.servername,
    // the version alone is under test: the certificate is judged by the requirements that cover it
    rejectUnauthorized: false,
    ...onlyVersion(req.version, req.psk ? pskCiphers : undefined),
    ...(req.certificate ? { cert: req.certificate.chainPem, key: req.certificate.keyPem } : {}),
  };
  if (req.psk) {
    const psk = req.psk;
    options.pskCallback = () => ({ psk: psk.key, identity: psk.identity });
    options.checkServerIdentity = () => undefined;
  }
  return new Promise((resolve) => {
    const s = tls.connect(options);
    const timer = setTimeout(() => {
      s.destroy();
      resolve({ reason: `no handshake within ${timeoutMs} ms` });
    }, timeoutMs);
    s.once('secureConnect', () => {
      clearTimeout(timer);
      s.removeAllListeners('error');
      s.on('error', () => undefined);
      resolve({ socket: s, reason: '' });
    });
    s.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({ reason: err.code ?? err.message });
    });
  });
}

/**
 * Says something harmless in the protocol and counts what the server sends back: until its answer is
 * complete (the tagged line, the last EHLO line, a whole PDU), the connection closes, or a short wait ends.
 */
function applicationData(s: tls.TLSSocket, application: TlsApplication): Promise<number> {
  return new Promise((resolve) => {
    let bytes = 0;
    let tail = Buffer.alloc(0); // enough of the end to see whether the answer is complete
    s.on('data', (d: Buffer) => {
      bytes += d.length;
      tail = Buffer.concat([tail, d]).subarray(-4096);
      if (answered(tail, application)) resolve(bytes);
    });
    s.once('close', () => resolve(bytes));
    setTimeout(() => resolve(bytes), LISTEN_MS);
    if (application === 'imap') s.write('P1 NOOP\r\n');
    else if (application === 'smtp') s.write(EHLO + '\r\n');
    else s.write(ENQUIRE_LINK);
  });
}

function answered(received: Buffer, application: TlsApplication): boolean {
  if (application === 'imap') return /^P1 /m.test(received.toString('latin1'));
  if (application === 'smtp') return /^\d{3} .*\r\n/m.test(received.toString('latin1'));
  return received.length >= 16 && received.length >= received.readUInt32BE(0);
}
