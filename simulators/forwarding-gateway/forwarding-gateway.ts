/**
 * The EVVM Forwarding Gateway simulator (IF-6): it takes voicemail from the EVVM Server over SMTP with
 * mutual TLS and forwards it to recipients outside EVVM as e-mail, leaving the signed entity as it came
 * (EVVM-IW-C03); it reports forwarding results back to the EVVM Server as delivery status notifications
 * (RFC 3464), again over mutual TLS. Mutual authentication follows the service provider's policy
 * (EVVM-AUTH-06): the sender's certificate must chain to the anchors and name the EVVM Server.
 */
import { randomBytes } from 'node:crypto';
import { nullSink, type TranscriptSink } from '../../harness/evidence/transcript';
import { deliver, type DeliveryResult } from '../protocol/smtp/client';
import { SmtpListener, type InboundSession } from '../protocol/smtp/server';
import type { LinkPolicy, PeerJudgement, SmtpEndpoint, SmtpTransport, TlsCredential } from '../protocol/smtp/types';
import { reEncode } from '../protocol/smtp/re-encode';
import { isForwardingGatewayFault, type ForwardingGatewayFault } from './faults';

export interface ForwardingGatewayOptions {
  actor?: string;
  host?: string;
  /** the gateway's name, as its certificates name it: forwarding-gateway.op.example */
  identity: string;
  tls: { key: string; cert: string };
  /** the client certificate it presents when it reports results */
  clientCredential: TlsCredential;
  /** what it requires of the EVVM Server, as client and as server (anchors, the server's name, mutualAuth) */
  evvmServerPolicy: LinkPolicy;
  faults?: Iterable<string>;
  transcript?: TranscriptSink;
}

/** A voicemail the gateway took from the EVVM Server. */
export interface GatewayReceipt {
  conn: string;
  from: string;
  to: string[];
  messageId?: string;
  peer?: PeerJudgement;
  raw: Buffer;
}

/** A copy the gateway handed to the e-mail world, for a recipient outside EVVM. */
export interface ExternalDelivery {
  to: string;
  messageId?: string;
  raw: Buffer;
}

export class ForwardingGateway {
  readonly actor: string;
  private readonly listener: SmtpListener;
  private readonly on = new Set<ForwardingGatewayFault>();
  private readonly receipts: GatewayReceipt[] = [];
  private readonly external: ExternalDelivery[] = [];
  private readonly transcript: TranscriptSink;
  private ports: { smtp?: number; smtps?: number } = {};

  constructor(private readonly options: ForwardingGatewayOptions) {
    this.actor = options.actor ?? 'Forwarding Gateway';
    this.transcript = options.transcript ?? nullSink;
    for (const f of options.faults ?? []) this.setFault(f, true);
    this.listener = new SmtpListener({
      actor: this.actor,
      peer: 'EVVM Server',
      ...(options.host ? { host: options.host } : {}),
      name: options.identity,
      listen: { starttls: true, implicitTls: true },
      tls: options.tls,
      clientPolicy: options.evvmServerPolicy,
      // EVVM-AUTH-06: only the EVVM Server, by a valid certificate that names it
      acceptClient: (j) => (!j.chainValid && this.on.has('forwarding-gateway:accept-without-client-cert')) || (j.chainValid && !j.authenticated && this.on.has('forwarding-gateway:skip-peer-identity-check')),
      onMessage: (m) => {
        const messageId = /^Message-ID:[ \t]*(\S+)/im.exec(m.raw.toString('latin1'))?.[1];
        this.receipts.push({ conn: m.conn, from: m.from, to: m.to, raw: m.raw, ...(messageId ? { messageId } : {}), ...(m.peer ? { peer: m.peer } : {}) });
        for (const to of m.to) this.forward(to, m.raw, messageId);
        return undefined;
      },
      transcript: this.transcript,
    });
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
    if (port === undefined) throw new Error('the Forwarding Gateway is not started');
    return { host: this.options.host ?? '127.0.0.1', port, servername: this.options.identity, transport };
  }

  setFault(name: string, on: boolean): void {
    if (!isForwardingGatewayFault(name)) throw new Error(`unknown Forwarding Gateway fault "${name}"`);
    if (on) this.on.add(name);
    else this.on.delete(name);
  }

  faults(): ForwardingGatewayFault[] {
    return [...this.on];
  }

  sessions(): InboundSession[] {
    return this.listener.observations();
  }

  received(): GatewayReceipt[] {
    return [...this.receipts];
  }

  forwarded(): ExternalDelivery[] {
    return [...this.external];
  }

  /** Hands a voicemail to the e-mail world: trace header added, the MIME entity untouched (unless faulty). */
  private forward(to: string, raw: Buffer, messageId: string | undefined): void {
    let copy: Buffer = Buffer.concat([Buffer.from(`Received: by ${this.options.identity} (EVVM Forwarding Gateway) for <${to}>; ${new Date().toUTCString()}\r\n`, 'latin1'), raw]);
    // EVVM-IW-C03: forwarding must not re-encode what a signature covers
    if (this.on.has('forwarding-gateway:re-encode')) copy = reEncode(copy);
    this.external.push({ to, raw: copy, ...(messageId ? { messageId } : {}) });
    this.transcript.record({ actor: this.actor, channel: 'note', dir: 'event', text: `forwarded ${messageId ?? 'a voicemail'} to ${to} as e-mail (${copy.length} bytes)` });
  }

  /**
   * Reports a forwarding result to the EVVM Server: a delivery status notification (RFC 3464) from the
   * null sender. `credential` replaces the gateway's own certificate (null: none), for negative scenarios.
   */
  reportResult(target: SmtpEndpoint, report: { to: string; about?: string; action?: 'delivered' | 'failed'; credential?: TlsCredential | null }): Promise<DeliveryResult> {
    const boundary = `dsn-${randomBytes(6).toString('hex')}`;
    const action = report.action ?? 'delivered';
    const raw = Buffer.from(
      [
        `From: Mail Delivery System <postmaster@${this.options.identity}>`,
        `To: <${report.to}>`,
        `Subject: Forwarding result: ${action}`,
        `Date: ${new Date().toUTCString()}`,
        `Message-ID: <dsn-${randomBytes(6).toString('hex')}@${this.options.identity}>`,
        'MIME-Version: 1.0',
        `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
        '',
        `--${boundary}`,
        'Content-Type: text/plain',
        '',
        `The voicemail ${report.about ?? ''} was ${action === 'delivered' ? 'forwarded' : 'not forwarded'}.`,
        `--${boundary}`,
        'Content-Type: message/delivery-status',
        '',
        `Reporting-MTA: dns; ${this.options.identity}`,
        '',
        `Final-Recipient: rfc822; ${report.to}`,
        `Action: ${action}`,
        `Status: ${action === 'delivered' ? '2.0.0' : '5.0.0'}`,
        `--${boundary}--`,
        '',
      ].join('\r\n'),
      'latin1',
    );
    const credential = report.credential === undefined ? this.options.clientCredential : report.credential;
    return deliver({
      actor: this.actor,
      peer: 'EVVM Server',
      endpoint: target,
      heloName: this.options.identity,
      serverPolicy: this.options.evvmServerPolicy,
      ...(credential ? { credential } : {}),
      from: '',
      to: [report.to],
      message: raw,
      transcript: this.transcript,
    });
  }
}
