/**
 * Who authenticated whom on an interworking link, and whether the envelope waited for mutually
 * authenticated TLS (EVVM-AUTH-06..08, EVVM-IW-C01, EVVM-IW-C02, EVVM-IW-C04).
 */
import type { OutboundDelivery } from '../../../simulators/evvm-server/interworking';
import type { DeliveryResult } from '../../../simulators/protocol/smtp/client';
import type { PeerJudgement } from '../../../simulators/protocol/smtp/types';
import { HOME } from '../../roles/interworking';
import { condition } from '../condition';
import { summary } from './delivery';

const reasons = (js: readonly PeerJudgement[]) => js.map((j) => j.reason).join('; ');

/** `js`: every verdict the EVVM Server reached on the link's other end. */
export const serverAuthenticatedPeer = condition('ServerAuthenticatedPeer', ['EVVM-AUTH-06', 'EVVM-AUTH-07', 'EVVM-AUTH-08', 'EVVM-IW-C01'], (js: PeerJudgement[]) => ({
  ok: js.length > 0 && js.every((j) => j.authenticated),
  message: js.length ? reasons(js) : 'no certificate was judged on this link',
  evidence: { judgements: js.map((j) => ({ subject: j.subject, identity: j.identity, chainError: j.chainError, reason: j.reason })) },
}));

/** `js`: every verdict the party reached on the EVVM Server. */
export const peerAuthenticatedServer = condition('PeerAuthenticatedServer', ['EVVM-AUTH-06', 'EVVM-AUTH-07', 'EVVM-AUTH-08', 'EVVM-IW-C02'], (js: PeerJudgement[]) => ({
  ok: js.length > 0 && js.every((j) => j.authenticated && j.identity === HOME.identity),
  message: js.length ? reasons(js) : 'the peer judged no certificate of the EVVM Server',
  evidence: { judgements: js.map((j) => ({ subject: j.subject, identity: j.identity, reason: j.reason })) },
}));

export const serverRefusedPeer = condition('ServerRefusedPeer', ['EVVM-AUTH-06', 'EVVM-AUTH-07', 'EVVM-AUTH-08', 'EVVM-IW-C01', 'EVVM-IW-C02', 'EVVM-IW-C04'], (js: PeerJudgement[]) => {
  const refused = js.filter((j) => !j.accepted);
  return {
    ok: refused.length > 0 && js.every((j) => !j.accepted),
    message: refused.length ? reasons(refused) : js.length ? `accepted: ${reasons(js)}` : 'no certificate was judged on this link',
    evidence: { judgements: js.map((j) => ({ subject: j.subject, accepted: j.accepted, reason: j.reason })) },
  };
});

/** `r`: what the party last sent (to the impostor), if anything. */
export const peerRefusedImpostor = condition('PeerRefusedImpostor', ['EVVM-AUTH-07', 'EVVM-AUTH-08'], (r: DeliveryResult | undefined) => ({
  ok: !!r && !r.delivered && r.stage === 'server-authentication',
  message: r ? `${r.stage}: ${r.reason}` : 'nothing was sent',
  evidence: r ? summary(r) : undefined,
}));

/** `out`: the EVVM Server's relays to peer EVVM Servers in this scenario. */
export const noPlaintextRelay = condition('NoPlaintextRelay', ['EVVM-IW-C01'], (out: OutboundDelivery[]) => ({
  ok: out.length > 0 && !out.some((o) => o.result.replies.some((r) => r.command === 'MAIL') && !o.result.secure),
  message: out.map((o) => `${o.result.stage}: ${o.result.reason}`).join('; ') || 'no relay attempted',
  evidence: { relays: out.map((o) => summary(o.result)) },
}));

/** STARTTLS came before MAIL FROM, the EVVM Server sent its certificate and authenticated the peer's. */
function insideMutualTls(o: OutboundDelivery): boolean {
  const cmds = o.result.replies.map((r) => r.command);
  return o.result.secure && !!o.result.tls?.clientCertificateSent && o.result.server?.authenticated === true && cmds.indexOf('STARTTLS') >= 0 && cmds.indexOf('STARTTLS') < cmds.indexOf('MAIL');
}

export const envelopeInsideMutualTls = condition('EnvelopeInsideMutualTls', ['EVVM-IW-C01'], (out: OutboundDelivery[]) => ({
  ok: out.length > 0 && out.every(insideMutualTls),
  message: out.map((o) => `${o.result.tls?.protocol ?? 'plaintext'}, client certificate ${o.result.tls?.clientCertificateSent ? 'sent' : 'not sent'}, server ${o.result.server?.reason ?? 'not judged'}`).join('; '),
  evidence: { relays: out.map((o) => summary(o.result)) },
}));
