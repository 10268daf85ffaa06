/** What arrived where, and what the receiving end refused on the way (EVVM-IW-C01..C04, EVVM-AUTH-06..08). */
import type { InboundMessage, OutboundDelivery } from '../../../simulators/evvm-server/interworking';
import type { ExternalDelivery } from '../../../simulators/forwarding-gateway';
import type { VpimReceipt } from '../../../simulators/non-oma-vm';
import type { DeliveryResult } from '../../../simulators/protocol/smtp/client';
import type { InboundSession, ReceivedMessage } from '../../../simulators/protocol/smtp/server';
import { readVpim } from '../../../simulators/protocol/smtp/vpim';
import type { Mailbox } from '../../roles/interworking';
import { copiesOf } from '../../roles/interworking-scenario';
import { condition } from '../condition';

/** A sender's transaction as evidence: how far it got, and every reply. */
export const summary = (r: DeliveryResult) => ({ delivered: r.delivered, stage: r.stage, reason: r.reason, replies: r.replies.map((x) => `${x.command}: ${x.code} ${x.text}`) });
const relays = (out: readonly OutboundDelivery[]) => out.map((o) => summary(o.result));

export const gatewayForwarded = condition('GatewayForwarded', ['EVVM-AUTH-06', 'EVVM-IW-C03'], (address: string, copies: ExternalDelivery[], messageId: string | undefined, out: OutboundDelivery[]) => ({
  ok: copies.some((c) => c.messageId === messageId),
  message: copies.length ? `forwarded ${copies.length} copy/copies to ${address}` : `nothing forwarded to ${address}`,
  evidence: { messageId, relays: relays(out) },
}));

export const nonOmaReceivedVpim = condition('NonOmaReceivedVpim', ['EVVM-AUTH-07', 'EVVM-IW-C02'], (address: string, got: VpimReceipt[], messageId: string | undefined) => {
  const mine = got.find((r) => r.vpim.messageId === messageId);
  return {
    ok: !!mine && mine.vpim.ok,
    message: mine ? `VPIM ${mine.vpim.ok ? 'ok' : mine.vpim.problem}, audio ${mine.vpim.audioParts.join(', ')}` : `no voicemail for ${address} arrived`,
    evidence: { messageId, vpim: mine?.vpim },
  };
});

export const peerStoredVoicemail = condition('PeerStoredVoicemail', ['EVVM-AUTH-08', 'EVVM-IW-C01', 'EVVM-IW-C03'], (address: string, box: Mailbox, messageId: string | undefined, out: OutboundDelivery[]) => ({
  ok: copiesOf(messageId, box).length > 0,
  message: `the mailbox ${address} holds ${box.length} message(s)`,
  evidence: { messageId, relays: relays(out) },
}));

export const mailboxHoldsVoicemail = condition('MailboxHoldsVoicemail', ['EVVM-AUTH-07', 'EVVM-AUTH-08', 'EVVM-IW-C01', 'EVVM-IW-C04'], (mailbox: string, held: Mailbox, last?: DeliveryResult) => ({
  ok: held.length === 1,
  message: `the mailbox "${mailbox}" holds ${held.length} copy/copies of it`,
  evidence: last ? summary(last) : undefined,
}));

export const mailboxHoldsVpim = condition('MailboxHoldsVpim', ['EVVM-IW-C02'], (held: Mailbox, last: DeliveryResult) => {
  const vpim = held.length ? readVpim(held[0]!.raw) : undefined;
  return { ok: last.delivered && !!vpim?.ok, message: vpim ? `stored as ${vpim.ok ? 'multipart/voice-message' : vpim.problem}` : 'no VPIM voicemail stored', evidence: summary(last) };
});

export const nothingDelivered = condition('NothingDelivered', ['EVVM-AUTH-07', 'EVVM-AUTH-08', 'EVVM-IW-C01', 'EVVM-IW-C02', 'EVVM-IW-C04'], (mailbox: string, held: Mailbox, last: DeliveryResult) => ({
  ok: held.length === 0,
  message: `the mailbox "${mailbox}" holds ${held.length} copy/copies`,
  evidence: summary(last),
}));

/** `results`: the forwarding results the EVVM Server recorded in this scenario. */
export const forwardingResultAccepted = condition('ForwardingResultAccepted', ['EVVM-AUTH-06'], (r: DeliveryResult, results: InboundMessage[]) => ({
  ok: r.delivered && results.length === 1,
  message: `${r.reason}; ${results.length} forwarding result(s) recorded`,
  evidence: summary(r),
}));

export const noForwardingResult = condition('NoForwardingResult', ['EVVM-AUTH-06'], (r: DeliveryResult, results: InboundMessage[]) => ({
  ok: !r.delivered && results.length === 0,
  message: `${r.reason}; ${results.length} forwarding result(s) recorded`,
  evidence: summary(r),
}));

export const impostorGotNothing = condition('ImpostorGotNothing', ['EVVM-AUTH-06', 'EVVM-AUTH-07', 'EVVM-AUTH-08', 'EVVM-IW-C01'], (actor: string, got: ReceivedMessage[], sessions: InboundSession[]) => ({
  ok: got.length === 0,
  message: got.length ? `${actor} received ${got.length} message(s)` : `${actor} received nothing`,
  evidence: { sessions: sessions.map((s) => ({ secure: s.secure, refusals: s.refusals })) },
}));

/** `taken`: how many voicemails the Forwarding Gateway forwarded, the Non-OMA VM Service received, or the peer EVVM Server stored. */
export const senderRefused = condition('SenderRefused', ['EVVM-AUTH-06', 'EVVM-AUTH-07', 'EVVM-AUTH-08', 'EVVM-IW-C02'], (r: DeliveryResult, taken: number) => ({
  ok: !r.delivered && taken === 0,
  message: `${r.stage}: ${r.reason}; ${taken} voicemail(s) taken`,
  evidence: summary(r),
}));

const mailReply = (r: DeliveryResult) => r.replies.find((x) => x.command === 'MAIL');
const answered = (r: DeliveryResult, reply: { code: number; text: string } | undefined, command: string) =>
  reply ? `${command} answered ${reply.code} ${reply.text}` : `stopped at ${r.stage}: ${r.reason}`;

export const mailTransactionRefused = condition('MailTransactionRefused', ['EVVM-IW-C01', 'EVVM-IW-C04'], (r: DeliveryResult, code: number) => ({
  ok: !r.delivered && mailReply(r)?.code === code,
  message: answered(r, mailReply(r), 'MAIL FROM'),
  evidence: summary(r),
}));

export const foreignOriginatorRefused = condition('ForeignOriginatorRefused', ['EVVM-IW-C04'], (r: DeliveryResult) => ({
  ok: !r.delivered && (mailReply(r)?.code ?? 0) >= 500,
  message: answered(r, mailReply(r), 'MAIL FROM'),
  evidence: summary(r),
}));

/** `relayed`: what the EVVM Server took for a foreign domain in this scenario. */
export const noOpenRelay = condition('NoOpenRelay', ['EVVM-IW-C04'], (r: DeliveryResult, relayed: InboundMessage[]) => {
  const rcptReply = r.replies.find((x) => x.command.startsWith('RCPT'));
  return { ok: !r.delivered && !!rcptReply && rcptReply.code >= 500 && relayed.length === 0, message: answered(r, rcptReply, 'RCPT TO'), evidence: summary(r) };
});
