/**
 * The interworking roles (harness/roles/interworking.ts) when a vendor's Forwarding Gateway is under test
 * (iut.role forwarding-gateway). The harness's EVVM Server forwards to it, presenting the client
 * certificate the profile says the gateway accepts and checking the gateway's certificate against the
 * profile's trust anchor and name; the SMTP test sender hands it mail with that certificate, none, or a
 * flawed one; the harness receives what it forwards where the profile says it relays (`forwardsTo`).
 * Only what the gateway accepted in this scenario counts as forwarded by it.
 */
import { EvvmInterworking, type OutboundDelivery } from '../../../simulators/evvm-server/interworking';
import type { ExternalDelivery } from '../../../simulators/forwarding-gateway';
import type { DeliveryResult } from '../../../simulators/protocol/smtp/client';
import { SmtpListener, type InboundSession, type ReceivedMessage } from '../../../simulators/protocol/smtp/server';
import type { SmtpEndpoint, SmtpTransport, TlsCredential } from '../../../simulators/protocol/smtp/types';
import { messageId } from '../../../simulators/crypto/cms/voicemail';
import { clientCaPem } from '../../../simulators/crypto/pki/trust';
import { HarnessError, InconclusiveError } from '../../engine/outcomes';
import { SmtpSender } from '../../equipment/smtp-sender';
import type { ForwardingGatewayIut } from '../../profile/sections/iut';
import * as contract from '../../roles/interworking';
import { simulatorOf } from '../embedded/authentication';
import { startImpostor } from '../embedded/interworking';
import { missing } from '../external';
import type { ExternalContext } from '../registry';
import { registerExternalRole } from '../registry';

type Ctx = ExternalContext<ForwardingGatewayIut>;
const ACTOR = 'Forwarding Gateway';

/** The gateway's endpoint of a transport it declares. */
function gatewayEndpoint(iut: ForwardingGatewayIut, transport: SmtpTransport): SmtpEndpoint | undefined {
  const port = transport === 'starttls' ? iut.ports.smtp : iut.ports.smtps;
  return iut.declares.transports.includes(transport) && port !== undefined ? { host: iut.host, port, servername: iut.servername, transport } : undefined;
}

/** A recipient the gateway declares it relays for; otherwise its refusal would prove nothing. */
function relayed(iut: ForwardingGatewayIut, address: string): void {
  const domain = address.slice(address.lastIndexOf('@') + 1).toLowerCase();
  if (!iut.declares.relayDomains.some((d) => d.toLowerCase() === domain)) missing(`relay domain ${domain} among those the Forwarding Gateway accepts (iut.declares.relayDomains)`);
}

function isGateway(iut: ForwardingGatewayIut, e: { host: string; port: number } | undefined): boolean {
  return !!e && e.host === iut.host && (e.port === iut.ports.smtp || e.port === iut.ports.smtps);
}

/** What the harness presents to the gateway as the EVVM Server: the certificate it accepts, none, ours from a rogue CA, or a flawed twin from its own CA. */
function credentialFor(ctx: Ctx, kind: contract.PeerCertificate): TlsCredential | undefined {
  const { iut } = ctx;
  switch (kind) {
    case 'missing':
      return undefined;
    case 'valid':
      return iut.clientCertificate ?? missing('client certificate the Forwarding Gateway accepts (iut.clientCertificate)');
    case 'untrusted-ca': {
      // issued by the harness's rogue root, which no IUT trusts
      const c = ctx.pki.bad('evvm-server-client', 'untrusted-ca');
      return { chainPem: c.chainPem, keyPem: c.keyPem };
    }
    case 'wrong-host':
      return iut.badClientCertificates.wrongHost ?? missing("client certificate from the gateway's CA issued for another host (iut.badClientCertificates.wrongHost)");
    default:
      // only the gateway's own CA can issue an expired or revoked twin of a certificate it accepts
      return iut.badClientCertificates[kind] ?? missing(`${kind} client certificate from the gateway's CA (iut.badClientCertificates.${kind})`);
  }
}

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
    return gatewayEndpoint(this.ctx.iut, transport) ?? missing(`${transport} port the Forwarding Gateway declares (iut.ports, iut.declares.transports)`);
  }

  async received(): Promise<never> {
    throw new InconclusiveError("this check needs the Forwarding Gateway's own records of what it received, which an implementation under test does not expose");
  }

  /** What the gateway took from the EVVM Server in this scenario (its relays were awaited by the step that caused them). */
  private async fromEvvmServer(): Promise<OutboundDelivery[]> {
    const out = (await (await this.ctx.topology.role('evvm-server-smtp')).observations()).outbound;
    return out.filter((o) => o.link === 'forwardingGateway' && isGateway(this.ctx.iut, o.endpoint));
  }

  /** Mail the gateway accepted from the test sender. */
  took(result: DeliveryResult, raw: Buffer): void {
    const id = messageId(raw);
    if (result.delivered && id) this.taken.add(id);
  }

  /** What arrived beyond the gateway of the voicemail it took in this scenario, once each has arrived or the timeout passed. */
  async forwarded(): Promise<ExternalDelivery[]> {
    const ids = new Set([...this.taken, ...(await this.fromEvvmServer()).filter((o) => o.result.delivered && o.messageId).map((o) => o.messageId!)]);
    const arrived = (): ExternalDelivery[] =>
      this.beyond.flatMap((m) => {
        const id = messageId(m.raw);
        return id && ids.has(id) ? m.to.map((to) => ({ to, messageId: id, raw: m.raw })) : [];
      });
    const deadline = Date.now() + this.ctx.iut.timeoutMs;
    while (new Set(arrived().map((d) => d.messageId)).size < ids.size && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    return arrived();
  }

  /**
   * The gateway's verdicts on the EVVM Server, as far as the wire shows them: it took the voicemail over TLS
   * in which the EVVM Server offered the certificate the profile says it accepts. Whether it asked for it and
   * verified it is not observable; that it refuses a missing or flawed certificate is what the negative
   * scenarios judge, so a gateway that takes anyone's mail does not pass the requirement.
   */
  async sessions(): Promise<InboundSession[]> {
    return (await this.fromEvvmServer()).map((o, i) => {
      const presented = o.result.tls?.clientCertificateSent === true;
      const authenticated = presented && o.result.delivered;
      return {
        conn: `evvm-server-${i + 1}`,
        transport: o.endpoint!.transport,
        secure: o.result.secure,
        viaStartTls: o.endpoint!.transport === 'starttls',
        peer: {
          presented,
          chainValid: authenticated,
          dnsNames: [],
          ...(authenticated ? { identity: contract.HOME.identity } : {}),
          authenticated,
          accepted: o.result.delivered,
          reason: authenticated
            ? "took the EVVM Server's voicemail over TLS in which it offered iut.clientCertificate (whether the gateway asked for it and verified it is not observable; the negative scenarios judge that it refuses a sender without one)"
            : `${o.result.delivered ? 'took the voicemail without a client certificate' : `refused the EVVM Server: ${o.result.stage}: ${o.result.reason}`}`,
        },
        auth: [],
        refusals: [],
        messages: o.result.delivered ? 1 : 0,
      };
    });
  }

  async reportResult(_to: string, certificate: contract.PeerCertificate): Promise<{ notApplicable: string }> {
    if (certificate !== 'valid') return { notApplicable: "a gateway with a flawed certificate is the harness's own, facing the harness's EVVM Server: it says nothing about the Forwarding Gateway under test" };
    // how a gateway reports forwarding results is open (spec.md Q11): nothing makes a vendor's gateway send one
    return { notApplicable: 'the harness cannot make the Forwarding Gateway under test report a forwarding result (its protocol is open, spec.md Q11)' };
  }
}

async function gatewayUnderTest(ctx: Ctx): Promise<GatewayUnderTest> {
  const fgw = await ctx.topology.role('forwarding-gateway');
  if (!(fgw instanceof GatewayUnderTest)) throw new HarnessError('the Forwarding Gateway is not the implementation under test');
  return fgw;
}

// The harness's EVVM Server, its Forwarding Gateway link pointed at the gateway under test.
registerExternalRole('forwarding-gateway', 'evvm-server-smtp', async (ctx) => {
  const { iut } = ctx;
  const server = simulatorOf(await ctx.inner('evvm-server'));
  const config = contract.homeInterworkingConfig({ server, pki: ctx.pki, profile: ctx.profile, accounts: ctx.accounts, transcript: ctx.transcript });
  const link = config.links.forwardingGateway;
  const iw = new EvvmInterworking({
    ...config,
    ...(iut.clientCertificate ? { clientCredential: iut.clientCertificate } : {}),
    links: { ...config.links, forwardingGateway: { ...link, policy: { ...link.policy, trustAnchors: iut.trustAnchorPem, crl: [], peerIdentities: [iut.servername] } } },
  });
  await iw.start();
  ctx.onStop(() => iw.stop());
  const home = contract.evvmSmtpRole(server, iw);
  const target = gatewayEndpoint(iut, 'starttls') ?? gatewayEndpoint(iut, 'implicit-tls')!;
  await home.route('forwardingGateway', target);
  return {
    ...home,
    setForwarding: async (identifier, address) => {
      relayed(iut, address);
      await home.setForwarding(identifier, address);
    },
    outbound: async (count) => {
      const out = await home.outbound(count);
      // a relay to the gateway under test is where the scenario reaches it
      if (out.some((o) => o.link === 'forwardingGateway' && isGateway(iut, o.endpoint))) await ctx.reach(`the ${ACTOR} (IUT)`, [target.port]);
      return out;
    },
  };
});

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
registerExternalRole('forwarding-gateway', 'interworking-equipment', async (ctx) => {
  const home = await ctx.topology.role('evvm-server-smtp');
  const own = contract.interworkingEquipment(ctx, (party, kind) => startImpostor(ctx, home, party, kind));
  const sender = new SmtpSender({ trustAnchorPem: ctx.iut.trustAnchorPem, transcript: ctx.transcript, onStop: ctx.onStop, peer: ACTOR });
  return {
    ...own,
    send: async (target, as, certificate, message, options) => {
      if (!isGateway(ctx.iut, target)) return own.send(target, as, certificate, message, options);
      relayed(ctx.iut, message.to);
      const fgw = await gatewayUnderTest(ctx);
      const credential = credentialFor(ctx, certificate);
      await ctx.reach(`the ${ACTOR} (IUT)`, [target.port]);
      const result = await sender.deliver(target, { actor: 'Test Sender (as EVVM Server)', heloName: `test-sender.${contract.HOME.domain}`, ...(credential ? { credential } : {}) }, message, options);
      fgw.took(result, message.raw);
      return result;
    },
  };
});
