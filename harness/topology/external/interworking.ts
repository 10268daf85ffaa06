/**
 * The interworking roles (harness/roles/interworking.ts) when a vendor's Forwarding Gateway is under test
 * (iut.role forwarding-gateway). The harness's EVVM Server forwards to it, presenting the client
 * certificate the profile says the gateway accepts and checking the gateway's certificate against the
 * profile's trust anchor and name; the SMTP test sender hands it mail with that certificate, none, or a
 * flawed one; the harness receives what it forwards where the profile says it relays (`forwardsTo`).
 * Only what the gateway accepted in this scenario counts as forwarded by it.
 */
import type { ExternalDelivery } from '../../../simulators/forwarding-gateway';
import { SmtpListener, type ReceivedMessage } from '../../../simulators/protocol/smtp/server';
import type { SmtpEndpoint, SmtpTransport } from '../../../simulators/protocol/smtp/types';
import { messageId } from '../../../simulators/crypto/cms/voicemail';
import { clientCaPem } from '../../../simulators/crypto/pki/trust';
import { HarnessError, InconclusiveError } from '../../engine/outcomes';
import type { DeliveryResult } from '../../../simulators/protocol/smtp/client';
import type { ForwardingGatewayIut } from '../../profile/sections/iut';
import * as contract from '../../roles/interworking';
import type { ExternalContext } from '../registry';
import { registerExternalRole } from '../registry';
import { declaredEndpoint, iutTlsInterface, equipmentFacingIut, homeFacingIut, relaysToIut, sessionsFromHome } from './smtp-peer';

type Ctx = ExternalContext<ForwardingGatewayIut>;
const ACTOR = 'Forwarding Gateway';

/** The vendor's Forwarding Gateway, and the e-mail world beyond it that the harness plays. */
class GatewayUnderTest implements contract.ForwardingGatewayRole {
  readonly actor = `${ACTOR} (IUT)`;
  /** Message-IDs the gateway took from the test sender in this scenario */
  private readonly taken = new Set<string>();

  constructor(
    private readonly ctx: Ctx,
    private readonly beyond: ReceivedMessage[],
  ) {}

  endpoint(transport: SmtpTransport): SmtpEndpoint {
    return declaredEndpoint(this.ctx.iut, ACTOR, transport);
  }

  tlsInterface(transport: SmtpTransport) {
    return iutTlsInterface(this.ctx, ACTOR, transport);
  }

  async received(): Promise<never> {
    throw new InconclusiveError("this check needs the Forwarding Gateway's own records of what it received, which an implementation under test does not expose");
  }

  /** Mail the gateway accepted from the test sender. */
  took(result: DeliveryResult, raw: Buffer): void {
    const id = messageId(raw);
    if (result.delivered && id) this.taken.add(id);
  }

  /** What arrived beyond the gateway of the voicemail it took in this scenario, once each has arrived or the timeout passed. */
  async forwarded(): Promise<ExternalDelivery[]> {
    const ids = new Set([...this.taken, ...(await relaysToIut(this.ctx, 'forwardingGateway')).filter((o) => o.result.delivered && o.messageId).map((o) => o.messageId!)]);
    const arrived = (): ExternalDelivery[] =>
      this.beyond.flatMap((m) => {
        const id = messageId(m.raw);
        return id && ids.has(id) ? m.to.map((to) => ({ to, messageId: id, raw: m.raw })) : [];
      });
    const deadline = Date.now() + this.ctx.iut.timeoutMs;
    while (new Set(arrived().map((d) => d.messageId)).size < ids.size && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    return arrived();
  }

  async sessions() {
    return sessionsFromHome(await relaysToIut(this.ctx, 'forwardingGateway'), 'gateway');
  }

  async reportResult(_to: string, certificate: contract.PeerCertificate): Promise<{ notApplicable: string }> {
    if (certificate !== 'valid') return { notApplicable: "a gateway with a flawed certificate is the harness's own, facing the harness's EVVM Server: it says nothing about the Forwarding Gateway under test" };
    // how a gateway reports forwarding results is open (spec.md Q11): nothing makes a vendor's gateway send one
    return { notApplicable: 'the harness cannot make the Forwarding Gateway under test report a forwarding result (its protocol is open, spec.md Q11)' };
  }
}

// The harness's EVVM Server, its Forwarding Gateway link pointed at the gateway under test.
registerExternalRole('forwarding-gateway', 'evvm-server-smtp', (ctx) => homeFacingIut(ctx, 'forwardingGateway', ACTOR));

registerExternalRole('forwarding-gateway', 'forwarding-gateway', async (ctx) => {
  const { iut } = ctx;
  await ctx.reach(`the ${ACTOR} (IUT)`, [iut.ports.smtp, iut.ports.smtps]);
  const beyond: ReceivedMessage[] = [];
  const leaf = ctx.pki.leaf('forwarding-gateway');
  // the e-mail world beyond the gateway, where it relays its relay domains
  const world = new SmtpListener({
    actor: 'E-mail recipient beyond the gateway',
    peer: ACTOR,
    name: 'mx.mail.example',
    listen: { starttls: true },
    ports: { smtp: iut.forwardsTo.port },
    tls: { key: leaf.keyPem, cert: leaf.chainPem },
    clientPolicy: { mutualAuth: false, trustAnchors: clientCaPem(ctx.pki), peerIdentities: [] },
    requireTls: () => false,
    onMessage: (m) => void beyond.push(m),
    transcript: ctx.transcript,
  });
  try {
    await world.start();
  } catch (e) {
    throw new HarnessError(`cannot receive what the gateway forwards on 127.0.0.1:${iut.forwardsTo.port} (iut.forwardsTo): ${(e as Error).message}`);
  }
  ctx.onStop(() => world.stop());
  return new GatewayUnderTest(ctx, beyond);
});

// The harness's equipment; the test sender faces the gateway under test with the gateway's own trust material.
registerExternalRole('forwarding-gateway', 'interworking-equipment', (ctx) =>
  equipmentFacingIut(ctx, ACTOR, async (result, message) => {
    const fgw = await ctx.topology.role('forwarding-gateway');
    if (!(fgw instanceof GatewayUnderTest)) throw new HarnessError('the Forwarding Gateway is not the implementation under test');
    fgw.took(result, message.raw);
  }),
);
