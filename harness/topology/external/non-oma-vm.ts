/**
 * The interworking roles (harness/roles/interworking.ts) when a vendor's Non-OMA VM Service is under test
 * (iut.role non-oma-vm). The harness's EVVM Server relays VPIM voicemail to it (presenting the client
 * certificate the profile says it accepts, checking its certificate against the profile's trust anchor and
 * name); the SMTP test sender hands it mail with that certificate, none, or a flawed one; with a send
 * trigger (iut.send), it is made to send VPIM voicemail to the harness's EVVM Server or to an impostor.
 * What it took is what it accepted on the wire (250 after DATA), as the EVVM Server or the sender relayed it.
 */
import { randomBytes } from 'node:crypto';
import type { VpimReceipt } from '../../../simulators/non-oma-vm';
import type { DeliveryResult } from '../../../simulators/protocol/smtp/client';
import type { SmtpEndpoint, SmtpTransport } from '../../../simulators/protocol/smtp/types';
import { readVpim, vpimMessage } from '../../../simulators/protocol/smtp/vpim';
import { HarnessError } from '../../engine/outcomes';
import type { SmtpMessage } from '../../equipment/smtp-sender';
import type { NonOmaVmIut } from '../../profile/sections/iut';
import * as contract from '../../roles/interworking';
import type { ExternalContext } from '../registry';
import { declaredEndpoint, iutTlsInterface, deposited, destination, registerSendingPeer, relaysToIut, sessionsFromHome, standInAt, triggerDelivery, triggerToStandIn } from './smtp-peer';

type Ctx = ExternalContext<NonOmaVmIut>;
const ACTOR = 'Non-OMA VM Service';

class NonOmaVmUnderTest implements contract.NonOmaVmRole {
  readonly actor = `${ACTOR} (IUT)`;
  readonly domain = contract.NON_OMA.domain;
  /** what it took from the test sender in this scenario */
  private readonly fromSender: VpimReceipt[] = [];

  constructor(private readonly ctx: Ctx) {}

  endpoint(transport: SmtpTransport): SmtpEndpoint {
    return declaredEndpoint(this.ctx.iut, ACTOR, transport);
  }

  tlsInterface(transport: SmtpTransport) {
    return iutTlsInterface(this.ctx, ACTOR, transport);
  }

  took(result: DeliveryResult, message: SmtpMessage): void {
    if (result.delivered) this.fromSender.push({ conn: 'test-sender', from: message.from, to: [message.to], vpim: readVpim(message.raw), raw: message.raw });
  }

  /** The VPIM voicemail it accepted in this scenario, as the EVVM Server relayed it or the test sender handed it over. */
  async received(): Promise<VpimReceipt[]> {
    const relayed = (await relaysToIut(this.ctx, 'nonOmaVm')).flatMap((o, i): VpimReceipt[] => {
      const raw = o.result.delivered ? deposited(this.ctx, o.messageId) : undefined;
      return raw ? [{ conn: `evvm-server-${i + 1}`, from: o.from, to: [o.to], vpim: readVpim(raw), raw }] : [];
    });
    return [...relayed, ...this.fromSender];
  }

  async sessions() {
    return sessionsFromHome(await relaysToIut(this.ctx, 'nonOmaVm'), ACTOR);
  }

  /** With its valid certificate, the service under test sends (its send trigger); any other is the harness's own sender posing as it. */
  async sendVoicemail(message: { from: string; to: string; messageId?: string }, certificate: contract.PeerCertificate, target?: SmtpEndpoint): Promise<DeliveryResult> {
    const home = await this.ctx.topology.role('evvm-server-smtp');
    const to = target ?? home.endpoint('nonOmaVm', 'starttls');
    if (!to) throw new HarnessError('the EVVM Server has no Non-OMA VM interface over STARTTLS');
    const from = message.from.includes('@') ? message.from : `${message.from}@${this.domain}`;
    const id = message.messageId ?? `<vpim-${randomBytes(6).toString('hex')}@${this.domain}>`;
    const raw = vpimMessage({ from, to: message.to, messageId: id, audio: randomBytes(480), subject: `Voice message from ${from}` });
    if (certificate !== 'valid') return (await this.ctx.topology.role('interworking-equipment')).send(to, 'nonOmaVm', certificate, { from, to: message.to, raw });
    const standIn = standInAt(this.ctx, to);
    if (standIn) return triggerToStandIn(this.ctx, ACTOR, { from, to: message.to, raw, messageId: id }, to, standIn);
    return triggerDelivery(this.ctx, ACTOR, { from, to: message.to, raw, messageId: id }, to, await destination(this.ctx, 'nonOmaVm', to));
  }
}

registerSendingPeer('non-oma-vm', 'nonOmaVm', ACTOR, (ctx) => new NonOmaVmUnderTest(ctx));
