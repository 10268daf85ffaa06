/**
 * What the Forwarding Gateway (IF-6) and the Non-OMA VM Service (IF-7) have in common: each is an SMTP
 * voicemail endpoint of the EVVM Server with mutual TLS on both directions of its link. It listens with
 * STARTTLS and implicit TLS and judges the EVVM Server's client certificate by the link policy; it sends
 * to the EVVM Server presenting its own client certificate and judging the server's by the same policy.
 * What it does with a message, which clients it lets through anyway, and its faults stay in each role.
 */
import { nullSink, type TranscriptSink } from '../../../evidence/transcript';
import type { FaultSet } from '../../fault-set';
import { deliver, type DeliveryRequest, type DeliveryResult } from './client';
import { SmtpListener, type InboundSession, type ReceivedMessage, type Refusal } from './server';
import type { LinkPolicy, PeerJudgement, SmtpEndpoint, SmtpTransport, TlsCredential } from './types';

export interface InterworkingPeerOptions {
  actor?: string;
  host?: string;
  /** its name, as its certificates name it: forwarding-gateway.op.example */
  identity: string;
  tls: { key: string; cert: string };
  /** the client certificate it presents when it sends to the EVVM Server */
  clientCredential: TlsCredential;
  /** what it requires of the EVVM Server, as client and as server (anchors, the server's name, mutualAuth) */
  evvmServerPolicy: LinkPolicy;
  faults?: Iterable<string>;
  transcript?: TranscriptSink;
}

export abstract class InterworkingPeer<R extends string> {
  readonly actor: string;
  protected readonly transcript: TranscriptSink;
  private readonly listener: SmtpListener;
  private ports: { smtp?: number; smtps?: number } = {};

  /**
   * `role` is the role's name in the spec's words ('Forwarding Gateway'), for errors; also the default
   * actor. `faults`: the role's switches, made from options.faults.
   */
  protected constructor(
    protected readonly options: InterworkingPeerOptions,
    readonly role: string,
    protected readonly faults: FaultSet<R>,
  ) {
    this.actor = options.actor ?? role;
    this.transcript = options.transcript ?? nullSink;
    this.listener = new SmtpListener({
      actor: this.actor,
      peer: 'EVVM Server',
      ...(options.host ? { host: options.host } : {}),
      name: options.identity,
      listen: { starttls: true, implicitTls: true },
      tls: options.tls,
      clientPolicy: options.evvmServerPolicy,
      // the role's own part, called only once sessions arrive (after the role is fully constructed)
      acceptClient: (j) => this.acceptClientAnyway(j),
      acceptLegacyTls: () => this.acceptLegacyTls(),
      onRcptTo: (to) => this.onRcptTo(to),
      onMessage: (m) => this.onMessage(m),
      transcript: this.transcript,
    });
  }

  /** Fault hook: a client the link policy refuses is let through (each role has its own faults for it). */
  protected abstract acceptClientAnyway(judgement: PeerJudgement): boolean;

  /** Fault hook: TLS 1.0 and 1.1 handshakes complete on its listeners (each role has its own fault for it). */
  protected abstract acceptLegacyTls(): boolean;

  /** What the role does with a message it took; a refusal is the reply to DATA. */
  protected abstract onMessage(message: ReceivedMessage): Refusal | undefined;

  /** Whom the role takes mail for; default: anyone. */
  protected onRcptTo(_to: string): Refusal | undefined {
    return undefined;
  }

  async start(): Promise<{ smtp?: number; smtps?: number }> {
    this.ports = await this.listener.start();
    return this.ports;
  }

  stop(): Promise<void> {
    return this.listener.stop();
  }

  endpoint(transport: SmtpTransport): SmtpEndpoint {
    const port = transport === 'starttls' ? this.ports.smtp : this.ports.smtps;
    if (port === undefined) throw new Error(`the ${this.role} is not started`);
    return { host: this.options.host ?? '127.0.0.1', port, servername: this.options.identity, transport };
  }

  /** A fault of this role (the control API checks names before switching them). */
  isFault(name: string): boolean {
    return this.faults.isFault(name);
  }

  setFault(name: string, on: boolean): void {
    this.faults.set(name, on);
  }

  sessions(): InboundSession[] {
    return this.listener.observations();
  }

  /**
   * One SMTP transaction to the EVVM Server under the link policy. `credential` replaces the role's own
   * client certificate (null: none), for negative scenarios.
   */
  protected sendToEvvmServer(
    target: SmtpEndpoint,
    mail: { from: string; to: string; message: Buffer; credential: TlsCredential | null | undefined } & Pick<DeliveryRequest, 'acceptServer' | 'offerLegacyTls'>,
  ): Promise<DeliveryResult> {
    const credential = mail.credential === undefined ? this.options.clientCredential : mail.credential;
    return deliver({
      actor: this.actor,
      peer: 'EVVM Server',
      endpoint: target,
      heloName: this.options.identity,
      serverPolicy: this.options.evvmServerPolicy,
      ...(credential ? { credential } : {}),
      ...(mail.acceptServer ? { acceptServer: mail.acceptServer } : {}),
      ...(mail.offerLegacyTls ? { offerLegacyTls: true } : {}),
      from: mail.from,
      to: [mail.to],
      message: mail.message,
      transcript: this.transcript,
    });
  }
}
