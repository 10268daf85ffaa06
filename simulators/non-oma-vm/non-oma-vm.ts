/**
 * The EVVM Non-OMA Standard VM Service simulator (IF-7): a legacy voicemail platform that exchanges
 * VPIM v2 voicemail (RFC 3801, multipart/voice-message) with the EVVM Server over SMTP. It takes VPIM for
 * its own subscribers and sends VPIM from them; both directions use mutual TLS as the service provider's
 * policy asks (EVVM-AUTH-07, EVVM-IW-C02): the EVVM Server's certificate must chain to the anchors and
 * name the EVVM Server.
 */
import { randomBytes } from 'node:crypto';
import { nullSink, type TranscriptSink } from '../../harness/evidence/transcript';
import { deliver, type DeliveryResult } from '../protocol/smtp/client';
import { SmtpListener, type InboundSession } from '../protocol/smtp/server';
import type { LinkPolicy, PeerJudgement, SmtpEndpoint, SmtpTransport, TlsCredential } from '../protocol/smtp/types';
import { readVpim, vpimMessage, type VpimSummary } from '../protocol/smtp/vpim';
import { isNonOmaVmFault, type NonOmaVmFault } from './faults';

export interface NonOmaVmOptions {
  actor?: string;
  host?: string;
  /** its name, as its certificates name it: non-oma-vm.op.example */
  identity: string;
  /** the domain of its subscribers' VPIM addresses: legacy-vm.example */
  domain: string;
  tls: { key: string; cert: string };
  /** the client certificate it presents when it sends */
  clientCredential: TlsCredential;
  /** what it requires of the EVVM Server, as client and as server */
  evvmServerPolicy: LinkPolicy;
  faults?: Iterable<string>;
  transcript?: TranscriptSink;
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

export class NonOmaVm {
  readonly actor: string;
  private readonly listener: SmtpListener;
  private readonly on = new Set<NonOmaVmFault>();
  private readonly receipts: VpimReceipt[] = [];
  private readonly transcript: TranscriptSink;
  private ports: { smtp?: number; smtps?: number } = {};

  constructor(private readonly options: NonOmaVmOptions) {
    this.actor = options.actor ?? 'Non-OMA VM Service';
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
      // EVVM-AUTH-07: only the EVVM Server, by a valid certificate that names it
      acceptClient: () => this.on.has('non-oma-vm:accept-without-client-cert'),
      onRcptTo: (to) => (to.toLowerCase().endsWith(`@${options.domain}`) ? undefined : { code: 550, text: `5.1.1 Not a subscriber of ${options.domain}` }),
      onMessage: (m) => {
        const vpim = readVpim(m.raw);
        if (!vpim.ok) return { code: 554, text: `5.6.0 Not a VPIM voice message: ${vpim.problem}` };
        this.receipts.push({ conn: m.conn, from: m.from, to: m.to, vpim, raw: m.raw, ...(m.peer ? { peer: m.peer } : {}) });
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
    if (port === undefined) throw new Error('the Non-OMA VM Service is not started');
    return { host: this.options.host ?? '127.0.0.1', port, servername: this.options.identity, transport };
  }

  setFault(name: string, on: boolean): void {
    if (!isNonOmaVmFault(name)) throw new Error(`unknown Non-OMA VM Service fault "${name}"`);
    if (on) this.on.add(name);
    else this.on.delete(name);
  }

  faults(): NonOmaVmFault[] {
    return [...this.on];
  }

  sessions(): InboundSession[] {
    return this.listener.observations();
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
    const credential = vm.credential === undefined ? this.options.clientCredential : vm.credential;
    return deliver({
      actor: this.actor,
      peer: 'EVVM Server',
      endpoint: target,
      heloName: this.options.identity,
      serverPolicy: this.options.evvmServerPolicy,
      ...(credential ? { credential } : {}),
      // EVVM-AUTH-07, the other direction: the receiving EVVM Server proves its name
      ...(this.on.has('non-oma-vm:skip-server-cert-check') ? { acceptServer: () => true } : {}),
      from,
      to: [vm.to],
      message: raw,
      transcript: this.transcript,
    });
  }
}
