/**
 * The EVVM Forwarding Gateway simulator (IF-6): it takes voicemail from the EVVM Server over SMTP with
 * mutual TLS and forwards it to recipients outside EVVM as e-mail, leaving the signed entity as it came
 * (EVVM-IW-C03); it reports forwarding results back to the EVVM Server as delivery status notifications
 * (RFC 3464), again over mutual TLS. Mutual authentication follows the service provider's policy
 * (EVVM-AUTH-06): the sender's certificate must chain to the anchors and name the EVVM Server.
 */
import { randomBytes } from 'node:crypto';
import { deliver, type DeliveryResult } from '../protocol/smtp/client';
import { InterworkingPeer, type InterworkingPeerOptions } from '../protocol/smtp/interworking-peer';
import type { ReceivedMessage } from '../protocol/smtp/server';
import type { PeerJudgement, SmtpEndpoint, TlsCredential } from '../protocol/smtp/types';
import { reEncode } from '../protocol/smtp/re-encode';
import { FORWARDING_GATEWAY_FAULTS } from './faults';

/**
 * identity: forwarding-gateway.op.example; clientCredential: presented when it reports results; relayTo:
 * where it also delivers each copy by SMTP (when it stands in for a vendor's gateway, `simulate`).
 */
export type ForwardingGatewayOptions = InterworkingPeerOptions & { relayTo?: { host: string; port: number } };

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

export class ForwardingGateway extends InterworkingPeer<'forwarding-gateway'> {
  private readonly receipts: GatewayReceipt[] = [];
  private readonly external: ExternalDelivery[] = [];

  private readonly relayTo: ForwardingGatewayOptions['relayTo'];

  constructor(options: ForwardingGatewayOptions) {
    super(options, 'Forwarding Gateway', FORWARDING_GATEWAY_FAULTS.own(options.faults));
    this.relayTo = options.relayTo;
  }

  // EVVM-AUTH-06: only the EVVM Server, by a valid certificate that names it
  protected acceptClientAnyway(j: PeerJudgement): boolean {
    // FAULT forwarding-gateway:accept-without-client-cert (EVVM-AUTH-06): a missing or unverifiable certificate is let through.
    // FAULT forwarding-gateway:skip-peer-identity-check (EVVM-AUTH-06): a valid certificate for another host is let through.
    return (!j.chainValid && this.faults.has('forwarding-gateway:accept-without-client-cert')) || (j.chainValid && !j.authenticated && this.faults.has('forwarding-gateway:skip-peer-identity-check'));
  }

  protected acceptLegacyTls(): boolean {
    // FAULT forwarding-gateway:accept-legacy-tls (STD-07): TLS 1.0 and 1.1 handshakes complete on its SMTP listeners.
    return this.faults.has('forwarding-gateway:accept-legacy-tls');
  }

  protected onMessage(m: ReceivedMessage): undefined {
    const messageId = /^Message-ID:[ \t]*(\S+)/im.exec(m.raw.toString('latin1'))?.[1];
    this.receipts.push({ conn: m.conn, from: m.from, to: m.to, raw: m.raw, ...(messageId ? { messageId } : {}), ...(m.peer ? { peer: m.peer } : {}) });
    for (const to of m.to) this.forward(to, m.raw, messageId);
    return undefined;
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
    // FAULT forwarding-gateway:re-encode (EVVM-IW-C03): it re-wraps the base64, breaking the signature.
    if (this.faults.has('forwarding-gateway:re-encode')) copy = reEncode(copy);
    this.external.push({ to, raw: copy, ...(messageId ? { messageId } : {}) });
    this.transcript.record({ actor: this.actor, channel: 'note', dir: 'event', text: `forwarded ${messageId ?? 'a voicemail'} to ${to} as e-mail (${copy.length} bytes)` });
    if (this.relayTo) void this.relay(to, copy);
  }

  /** The copy on the wire to the e-mail world's server: TLS when offered, its certificate recorded but not required. */
  private relay(to: string, copy: Buffer): Promise<DeliveryResult> {
    const { host, port } = this.relayTo!;
    return deliver({
      actor: this.actor,
      peer: 'E-mail recipient',
      endpoint: { host, port, servername: to.slice(to.lastIndexOf('@') + 1), transport: 'starttls' },
      heloName: this.options.identity,
      serverPolicy: { mutualAuth: false, trustAnchors: this.options.evvmServerPolicy.trustAnchors, peerIdentities: [] },
      from: `postmaster@${this.options.identity}`,
      to: [to],
      message: copy,
      transcript: this.transcript,
    });
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
    return this.sendToEvvmServer(target, { from: '', to: report.to, message: raw, credential: report.credential });
  }
}
