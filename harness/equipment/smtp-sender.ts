/**
 * The harness's SMTP test sender (test equipment, not a role), on the project's SMTP client
 * (simulators/protocol/smtp/client). It delivers a message as whoever a scenario says it is: with that
 * party's certificate, a flawed one or none, over TLS or deliberately without, judging the server as a
 * careful peer would; and it opens a session step by step for the probes of STD-01 (STARTTLS, AUTH
 * before and after TLS, a deposit). It reports the replies; harness/conditions/interworking judges them.
 */
import type { TranscriptSink } from '../../evidence/transcript';
import { auth, data, deliver, ehlo, extension, mail, rcpt, SmtpConnection, starttls, type DeliveryResult, type EhloReply, type SmtpAuthMechanism, type SmtpReply } from '../../simulators/protocol/smtp/client';
import type { SmtpEndpoint, TlsCredential } from '../../simulators/protocol/smtp/types';

/** Who the sender says it is: its name in the transcript, the name it greets with, its certificate (none: it presents none). */
export interface SenderIdentity {
  actor: string;
  heloName: string;
  credential?: TlsCredential;
}

export interface SmtpMessage {
  from: string;
  to: string;
  raw: Buffer;
}

export class SmtpSender {
  /** `peer`: whom the sender talks to, in transcripts (default the EVVM Server) */
  constructor(private readonly ctx: { trustAnchorPem: string; transcript: TranscriptSink; onStop(stop: () => Promise<void>): void; peer?: string }) {}

  /** One whole transaction; `noTls` sends the envelope in plaintext on a STARTTLS endpoint (a probe). Never throws for what the server does. */
  deliver(target: SmtpEndpoint, as: SenderIdentity, message: SmtpMessage, options: { noTls?: boolean } = {}): Promise<DeliveryResult> {
    return deliver({
      actor: as.actor,
      peer: this.ctx.peer ?? 'EVVM Server',
      endpoint: target,
      heloName: as.heloName,
      serverPolicy: { mutualAuth: true, trustAnchors: this.ctx.trustAnchorPem, peerIdentities: [target.servername] },
      ...(as.credential ? { credential: as.credential } : {}),
      ...(options.noTls ? { noTls: true } : {}),
      from: message.from,
      to: [message.to],
      message: message.raw,
      transcript: this.ctx.transcript,
    });
  }

  /** A session the steps drive command by command; its greeting is read, nothing is sent yet. */
  async session(target: SmtpEndpoint, heloName: string): Promise<SmtpTestSession> {
    const c = await SmtpConnection.open({ actor: 'Test Client', peer: 'EVVM Server', endpoint: target, tls: { trustAnchors: this.ctx.trustAnchorPem }, transcript: this.ctx.transcript });
    this.ctx.onStop(async () => c.close());
    return new SmtpTestSession(c, await c.reply(), heloName);
  }
}

/** What a deposit in an open session got: the replies to MAIL FROM, RCPT TO and DATA (its start, and its end when the server took the content). */
export interface SessionDeposit {
  mail: SmtpReply;
  rcpt: SmtpReply;
  data: { start: SmtpReply; end?: SmtpReply };
}

/** One SMTP session of the test client, command by command; every reply is handed back, never judged. */
export class SmtpTestSession {
  private lastEhlo?: EhloReply;

  constructor(
    private readonly c: SmtpConnection,
    readonly greeting: SmtpReply,
    private readonly heloName: string,
  ) {}

  /** EHLO: again after STARTTLS, as RFC 3207 §4.2 requires. */
  async hello(): Promise<EhloReply> {
    this.lastEhlo = await ehlo(this.c, this.heloName);
    return this.lastEhlo;
  }

  /** the server's latest EHLO answer */
  get ehlo(): EhloReply {
    if (!this.lastEhlo) throw new Error('no EHLO was sent in this SMTP session');
    return this.lastEhlo;
  }

  offers(keyword: string): boolean {
    return extension(this.ehlo, keyword) !== undefined;
  }

  get secure(): boolean {
    return this.c.tls !== undefined;
  }

  /** STARTTLS if the latest EHLO offered it; otherwise a reply-shaped "not offered" (code 0) and nothing is sent. */
  starttls(): Promise<SmtpReply> {
    return this.offers('STARTTLS') ? starttls(this.c) : Promise.resolve({ code: 0, lines: [], text: 'STARTTLS not offered' });
  }

  authenticate(mechanism: SmtpAuthMechanism, username: string, password: string): Promise<SmtpReply> {
    return auth(this.c, mechanism, username, password);
  }

  mailFrom(address: string): Promise<SmtpReply> {
    return mail(this.c, address);
  }

  async deposit(message: SmtpMessage): Promise<SessionDeposit> {
    const m = await mail(this.c, message.from);
    const r = await rcpt(this.c, message.to);
    return { mail: m, rcpt: r, data: await data(this.c, message.raw) };
  }
}
