/**
 * The EVVM Non-OMA Standard VM Service simulator (IF-7): a legacy voicemail platform that exchanges
 * VPIM v2 voicemail (RFC 3801, multipart/voice-message) with the EVVM Server over SMTP. It takes VPIM for
 * its own subscribers and sends VPIM from them; both directions use mutual TLS as the service provider's
 * policy asks (EVVM-AUTH-07, EVVM-IW-C02): the EVVM Server's certificate must chain to the anchors and
 * name the EVVM Server.
 */
import { randomBytes } from 'node:crypto';
import type { DeliveryResult } from '../protocol/smtp/client';
import { InterworkingPeer, type InterworkingPeerOptions } from '../protocol/smtp/interworking-peer';
import type { ReceivedMessage, Refusal } from '../protocol/smtp/server';
import type { PeerJudgement, SmtpEndpoint, TlsCredential } from '../protocol/smtp/types';
import { readVpim, vpimMessage, type VpimSummary } from '../protocol/smtp/vpim';
import { NON_OMA_VM_FAULTS } from './faults';

/** identity: non-oma-vm.op.example; clientCredential: presented when it sends. */
export interface NonOmaVmOptions extends InterworkingPeerOptions {
  /** the domain of its subscribers' VPIM addresses: legacy-vm.example */
  domain: string;
}

/** A VPIM message the service took for one of its subscribers. */
export interface VpimReceipt {
  conn: string;
  from: string;
  to: string[];
  peer?: PeerJudgement;
  vpim: VpimSummary;
  raw: Buffer;
}

export class NonOmaVm extends InterworkingPeer<'non-oma-vm'> {
  private readonly receipts: VpimReceipt[] = [];

  constructor(protected override readonly options: NonOmaVmOptions) {
    super(options, 'Non-OMA VM Service', NON_OMA_VM_FAULTS.own(options.faults));
  }

  // EVVM-AUTH-07: only the EVVM Server, by a valid certificate that names it
  protected acceptClientAnyway(): boolean {
    // FAULT non-oma-vm:accept-without-client-cert (EVVM-AUTH-07, EVVM-IW-C02): a missing, unverifiable or other host's certificate is let through.
    return this.faults.has('non-oma-vm:accept-without-client-cert');
  }

  protected acceptLegacyTls(): boolean {
    // FAULT non-oma-vm:accept-legacy-tls (STD-07): TLS 1.0 and 1.1 handshakes complete on its SMTP listeners.
    return this.faults.has('non-oma-vm:accept-legacy-tls');
  }

  protected override onRcptTo(to: string): Refusal | undefined {
    return to.toLowerCase().endsWith(`@${this.options.domain}`) ? undefined : { code: 550, text: `5.1.1 Not a subscriber of ${this.options.domain}` };
  }

  protected onMessage(m: ReceivedMessage): Refusal | undefined {
    const vpim = readVpim(m.raw);
    if (!vpim.ok) return { code: 554, text: `5.6.0 Not a VPIM voice message: ${vpim.problem}` };
    this.receipts.push({ conn: m.conn, from: m.from, to: m.to, vpim, raw: m.raw, ...(m.peer ? { peer: m.peer } : {}) });
    return undefined;
  }

  received(): VpimReceipt[] {
    return [...this.receipts];
  }

  /**
   * Sends a VPIM v2 voicemail from one of its subscribers (e.g. +15559001) to an EVVM mailbox address.
   * `credential` replaces the service's own certificate (null: none), for negative scenarios.
   */
  sendVoicemail(target: SmtpEndpoint, vm: { from: string; to: string; messageId?: string; credential?: TlsCredential | null }): Promise<DeliveryResult> {
    const from = vm.from.includes('@') ? vm.from : `${vm.from}@${this.options.domain}`;
    const messageId = vm.messageId ?? `<vpim-${randomBytes(6).toString('hex')}@${this.options.domain}>`;
    const raw = vpimMessage({ from, to: vm.to, messageId, audio: randomBytes(480), subject: `Voice message from ${from}` });
    return this.sendToEvvmServer(target, {
      from,
      to: vm.to,
      message: raw,
      credential: vm.credential,
      // EVVM-AUTH-07, the other direction: the receiving EVVM Server proves its name
      // FAULT non-oma-vm:skip-server-cert-check (EVVM-AUTH-07): it delivers without checking the server's certificate.
      ...(this.faults.has('non-oma-vm:skip-server-cert-check') ? { acceptServer: () => true } : {}),
      // FAULT non-oma-vm:offer-legacy-tls (STD-07): it offers TLS 1.0 and 1.1 to the EVVM Server.
      offerLegacyTls: this.faults.has('non-oma-vm:offer-legacy-tls'),
    });
  }
}
