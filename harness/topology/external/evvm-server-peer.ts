/**
 * The interworking roles (harness/roles/interworking.ts) when a vendor's EVVM Server is under test as the
 * peer of server-to-server interworking (iut.role evvm-server-peer, serving peer.example). The harness's EVVM
 * Server relays to it (presenting the client certificate the profile says it accepts, checking its
 * certificate against the profile's trust anchor and name); the SMTP test sender hands it mail with that
 * certificate, none, or a flawed one; with a send trigger (iut.send) it is made to relay to the harness's
 * EVVM Server. Its mailbox is what it accepted on the wire (250 after DATA): the copy it stored is not shown.
 */
import type { DeliveryResult } from '../../../simulators/protocol/smtp/client';
import type { SmtpEndpoint, SmtpTransport } from '../../../simulators/protocol/smtp/types';
import { messageId } from '../../../simulators/crypto/cms/voicemail';
import { HarnessError, InconclusiveError } from '../../engine/outcomes';
import type { SmtpMessage } from '../../equipment/smtp-sender';
import type { EvvmServerPeerIut } from '../../profile/sections/iut';
import * as contract from '../../roles/interworking';
import type { ExternalContext } from '../registry';
import { declaredEndpoint, iutTlsInterface, deposited, destination, registerSendingPeer, relaysToIut, sessionsFromHome, triggerDelivery } from './smtp-peer';

type Ctx = ExternalContext<EvvmServerPeerIut>;
const ACTOR = 'Peer EVVM Server';

class PeerUnderTest implements contract.PeerEvvmServerRole {
  readonly actor = `${ACTOR} (IUT)`;
  readonly domain = contract.PEER.domain;
  readonly mailboxAddress = contract.PEER_ADDRESS;
  /** what it took from the test sender in this scenario */
  private readonly fromSender: Buffer[] = [];

  constructor(private readonly ctx: Ctx) {}

  endpoint(transport: SmtpTransport): SmtpEndpoint {
    return declaredEndpoint(this.ctx.iut, ACTOR, transport);
  }

  tlsInterface(transport: SmtpTransport) {
    return iutTlsInterface(this.ctx, ACTOR, transport);
  }

  took(result: DeliveryResult, message: SmtpMessage): void {
    if (result.delivered) this.fromSender.push(message.raw);
  }

  /** The voicemail it took responsibility for in this scenario, as the EVVM Server relayed it or the test sender handed it over. */
  async mailbox(): Promise<contract.Mailbox> {
    const relayed = (await relaysToIut(this.ctx, 'interServer')).flatMap((o) => {
      const raw = o.result.delivered ? deposited(this.ctx, o.messageId) : undefined;
      return raw ? [raw] : [];
    });
    return [...relayed, ...this.fromSender].map((raw, i) => ({ uid: i + 1, flags: [], raw }));
  }

  async observations() {
    const sessions = sessionsFromHome(await relaysToIut(this.ctx, 'interServer'), ACTOR).map((s) => ({ iface: 'interServer' as const, ...s }));
    return { sessions, inbound: [], outbound: [] };
  }

  /** With its valid certificate, the peer under test relays (its send trigger); any other is the harness's own impostor of it. */
  async sendVoicemail(message: SmtpMessage, certificate: contract.PeerCertificate, transport: SmtpTransport = 'starttls', to?: SmtpEndpoint): Promise<DeliveryResult> {
    const home = await this.ctx.topology.role('evvm-server-smtp');
    const target = to ?? home.endpoint('interServer', transport);
    if (!target) throw new HarnessError(`the EVVM Server has no server-to-server ${transport} interface`);
    if (certificate !== 'valid') return contract.relayAsImpostor(this.ctx, { message, certificate, target });
    const id = messageId(message.raw);
    if (!id) throw new HarnessError('the voicemail to relay has no Message-ID');
    return triggerDelivery(this.ctx, ACTOR, { ...message, messageId: id }, target, await destination(this.ctx, 'interServer', target));
  }

  reEncodeRelays(): void {
    throw new InconclusiveError('the harness cannot make the Peer EVVM Server under test re-encode what it relays');
  }
}

registerSendingPeer('evvm-server-peer', 'interServer', ACTOR, (ctx) => new PeerUnderTest(ctx));
