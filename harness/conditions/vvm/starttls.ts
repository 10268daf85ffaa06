/**
 * VVM-03: STARTTLS, and the capabilities asked again after the upgrade (RFC 9051 §6.2.1 [P]: the client
 * discards what it learnt in the clear). Judged on the EVVM Server's answers inside TLS, and on what the
 * EVVM Server received from the EVVM Client on that connection (command names only: the bytes hold a password).
 */
import type { Retrieval } from '../../../simulators/evvm-client/evvm-client';
import type { ConnectionObservation } from '../../roles/authentication';
import { condition, judged } from '../condition';

const has = (caps: readonly string[], c: string) => caps.some((x) => x.toUpperCase() === c);

/** Inside TLS the list names a way to authenticate: LOGIN not disabled, or an AUTH= mechanism. */
export const authenticationOfferedInsideTls = condition('AuthenticationOfferedInsideTls', ['VVM-03'], (inside: readonly string[]) => {
  const ok = inside.length > 0 && (!has(inside, 'LOGINDISABLED') || inside.some((c) => /^AUTH=/i.test(c)));
  return judged(ok, `CAPABILITY inside TLS: ${inside.join(' ')}`, inside.length ? `inside TLS no way to authenticate is offered: ${inside.join(' ')}` : 'no CAPABILITY answer inside TLS');
});

/** The clear channel's STARTTLS, and its LOGINDISABLED where LOGIN is declared, are not carried into TLS. */
export const clearListNotCarriedIntoTls = condition('ClearListNotCarriedIntoTls', ['VVM-03'], (before: readonly string[], inside: readonly string[], loginDeclared: boolean) => {
  const carried = ['STARTTLS', ...(loginDeclared ? ['LOGINDISABLED'] : [])].filter((c) => has(before, c) && has(inside, c));
  return judged(inside.length > 0 && carried.length === 0, `before TLS: ${before.join(' ')}; inside TLS: ${inside.join(' ')}`, inside.length ? `inside TLS the clear channel's ${carried.join(' and ')} is still announced: ${inside.join(' ')}` : 'no CAPABILITY answer inside TLS');
});

/** The command names a client sent, in order (the tag dropped; arguments never shown: LOGIN carries a password). */
function commandNames(bytes: Buffer): string[] {
  return bytes
    .toString('latin1')
    .split('\r\n')
    .map((line) => /^\S+ ([A-Za-z_]+)/.exec(line)?.[1]?.toUpperCase())
    .filter((n): n is string => n !== undefined);
}

/** On the STARTTLS connection, the first command after STARTTLS that is not NOOP or ID is CAPABILITY, before LOGIN or AUTHENTICATE. */
export const capabilityAskedAgainInsideTls = condition('CapabilityAskedAgainInsideTls', ['VVM-03'], (connections: readonly ConnectionObservation[]) => {
  const upgraded = connections.map((c) => commandNames(c.clientBytes)).filter((names) => names.includes('STARTTLS'));
  const after = upgraded.map((names) => names.slice(names.indexOf('STARTTLS') + 1).filter((n) => n !== 'NOOP' && n !== 'ID'));
  const ok = after.length > 0 && after.every((names) => names[0] === 'CAPABILITY');
  const seen = after.map((names) => names.join(' ')).join(' | ');
  return judged(ok, `after STARTTLS the EVVM Client sent: ${seen}`, after.length ? `after STARTTLS the EVVM Client did not ask for CAPABILITY first: ${seen}` : 'the EVVM Server saw no STARTTLS connection', { commandsAfterStarttls: after });
});

/** The clear channel's list disabled LOGIN; a client that asked again inside TLS logged in and read the mailbox. */
export const loggedInDespiteClearList = condition('LoggedInDespiteClearList', ['VVM-03'], (r: Retrieval) =>
  judged(r.loggedIn && r.voicemails.length > 0, `logged in inside TLS, ${r.voicemails.length} voicemail(s) read`, `not logged in after the upgrade: ${r.error ?? 'no voicemail read'}`),
);
