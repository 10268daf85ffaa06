/**
 * One SMTP transaction from start to end, as an interworking peer runs it: connect, TLS (implicit or
 * STARTTLS, never a plaintext fallback unless told), judge the server's certificate against the link
 * policy BEFORE anything else is sent, optional AUTH, then MAIL/RCPT/DATA. It never throws for what the
 * other end does: the result says how far it got and why it stopped.
 */
import type { TranscriptSink } from '../../../../evidence/transcript';
import { tlsHandshakeEvidence } from '../../../../evidence/tls';
import { describeJudgement, judgePeer } from '../peer';
import type { LinkPolicy, PeerJudgement, SmtpEndpoint, TlsCredential } from '../types';
import { SmtpConnection, type SmtpReply } from './connection';
import { auth, type SmtpAuthMechanism } from './commands/auth';
import { data } from './commands/data';
import { ehlo, extension } from './commands/ehlo';
import { mail } from './commands/mail';
import { quit } from './commands/quit';
import { rcpt } from './commands/rcpt';
import { starttls } from './commands/starttls';

export type DeliveryStage = 'connect' | 'greeting' | 'ehlo' | 'starttls' | 'tls' | 'server-authentication' | 'auth' | 'mail' | 'rcpt' | 'data' | 'done';

export interface DeliveryRequest {
  actor: string;
  peer: string;
  endpoint: SmtpEndpoint;
  /** the EHLO name */
  heloName: string;
  /** how this end judges the server's certificate (anchors, expected names, mutualAuth) */
  serverPolicy: LinkPolicy;
  /** this end's client certificate; omitted: none is sent */
  credential?: TlsCredential;
  /** fault hook: accept a server the policy refuses */
  acceptServer?: (j: PeerJudgement) => boolean;
  /** go on in plaintext when STARTTLS is not offered (a downgrade; only faults do this) */
  plaintextFallback?: boolean;
  /** skip TLS altogether on a STARTTLS endpoint (test clients probing the server) */
  noTls?: boolean;
  /** offer TLS 1.0 and 1.1 too (only faults do this: STD-07) */
  offerLegacyTls?: boolean;
  auth?: { mechanism: SmtpAuthMechanism; username: string; password: string };
  from: string;
  to: readonly string[];
  message: Buffer;
  transcript: TranscriptSink;
  timeoutMs?: number;
}

export interface DeliveryResult {
  delivered: boolean;
  stage: DeliveryStage;
  reason: string;
  /** TLS was in place when the envelope was sent */
  secure: boolean;
  tls?: { protocol: string | null; cipher: string; clientCertificateSent: boolean };
  /** this end's verdict on the server's certificate */
  server?: PeerJudgement;
  ehlo?: string[];
  replies: Array<{ command: string; code: number; text: string }>;
  acceptedRecipients: string[];
}

export async function deliver(req: DeliveryRequest): Promise<DeliveryResult> {
  const result: DeliveryResult = { delivered: false, stage: 'connect', reason: '', secure: false, replies: [], acceptedRecipients: [] };
  const stop = (stage: DeliveryStage, reason: string): DeliveryResult => Object.assign(result, { stage, reason });
  const log = (command: string, r: SmtpReply): SmtpReply => {
    result.replies.push({ command, code: r.code, text: r.text });
    return r;
  };
  let c: SmtpConnection;
  try {
    c = await SmtpConnection.open({
      actor: req.actor,
      peer: req.peer,
      endpoint: req.endpoint,
      tls: { trustAnchors: req.serverPolicy.trustAnchors, ...(req.serverPolicy.crl ? { crl: req.serverPolicy.crl } : {}), ...(req.credential ? { credential: req.credential } : {}), legacyVersions: !!req.offerLegacyTls },
      transcript: req.transcript,
      ...(req.timeoutMs ? { timeoutMs: req.timeoutMs } : {}),
    });
  } catch (err) {
    return stop(req.endpoint.transport === 'implicit-tls' ? 'tls' : 'connect', (err as Error).message);
  }
  try {
    const judge = (): boolean => {
      const t = c.tls!;
      const cipher = t.getCipher();
      result.tls = { protocol: t.getProtocol(), cipher: cipher.standardName ?? cipher.name, clientCertificateSent: !!req.credential };
      result.server = judgePeer(t, req.serverPolicy, req.acceptServer ? { override: req.acceptServer } : {});
      req.transcript.record({ actor: req.actor, peer: req.peer, channel: 'tls', dir: 'event', text: describeJudgement(result.server), conn: c.conn, tls: tlsHandshakeEvidence(t, 'client') });
      result.secure = true;
      return result.server.accepted;
    };
    if (req.endpoint.transport === 'implicit-tls' && !judge()) return stop('server-authentication', result.server!.reason);
    const greeting = log('(greeting)', await c.reply());
    if (greeting.code !== 220) return stop('greeting', `greeting ${greeting.code} ${greeting.text}`);
    let hello = await ehlo(c, req.heloName);
    log('EHLO', hello);
    if (hello.code !== 250) return stop('ehlo', `EHLO answered ${hello.code} ${hello.text}`);
    if (req.endpoint.transport === 'starttls' && !req.noTls) {
      if (extension(hello, 'STARTTLS') === undefined && !req.plaintextFallback) return stop('starttls', 'the server does not offer STARTTLS; no plaintext fallback');
      if (extension(hello, 'STARTTLS') !== undefined) {
        let r: SmtpReply;
        try {
          r = log('STARTTLS', await starttls(c));
        } catch (err) {
          return stop('tls', (err as Error).message);
        }
        if (r.code !== 220) {
          if (!req.plaintextFallback) return stop('starttls', `STARTTLS answered ${r.code} ${r.text}`);
        } else {
          if (!judge()) return stop('server-authentication', result.server!.reason);
          hello = await ehlo(c, req.heloName);
          log('EHLO', hello);
          if (hello.code !== 250) return stop('ehlo', `EHLO after TLS answered ${hello.code} ${hello.text}`);
        }
      }
    }
    result.ehlo = hello.extensions;
    if (req.auth) {
      const r = log('AUTH', await auth(c, req.auth.mechanism, req.auth.username, req.auth.password));
      if (r.code !== 235) return stop('auth', `AUTH ${req.auth.mechanism} answered ${r.code} ${r.text}`);
    }
    const m = log('MAIL', await mail(c, req.from));
    if (m.code !== 250) return stop('mail', `MAIL FROM answered ${m.code} ${m.text}`);
    for (const to of req.to) {
      const r = log(`RCPT ${to}`, await rcpt(c, to));
      if (r.code === 250 || r.code === 251) result.acceptedRecipients.push(to);
    }
    if (result.acceptedRecipients.length === 0) return stop('rcpt', `no recipient accepted: ${result.replies[result.replies.length - 1]!.code} ${result.replies[result.replies.length - 1]!.text}`);
    const d = await data(c, req.message);
    log('DATA', d.start);
    if (!d.end) return stop('data', `DATA answered ${d.start.code} ${d.start.text}`);
    log('(end of data)', d.end);
    if (d.end.code !== 250) return stop('data', `the message was refused: ${d.end.code} ${d.end.text}`);
    result.delivered = true;
    return stop('done', `accepted: ${d.end.code} ${d.end.text}`);
  } finally {
    await quit(c).catch(() => undefined);
  }
}
