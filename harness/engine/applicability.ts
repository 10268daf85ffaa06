import { isRequirementId } from '../catalogue';
import type { IutRole } from '../profile/sections/iut';

export type { IutRole };

/**
 * The requirements an implementation under test answers through the interface the harness reaches (its
 * IMAP service; docs/certifying.md): every other requirement is about a role the harness itself plays,
 * so its scenarios would only exercise the harness's own simulators.
 */
export const IUT_REQUIREMENTS: Readonly<Record<IutRole, readonly string[]>> = {
  'message-storage': ['CPM-MS-AUTH-01', 'CPM-MS-AUTH-02', 'CPM-MS-AUTH-03', 'CPM-MS-AUTH-04', 'CPM-MS-AUTH-05', 'CPM-MS-AUTH-06', 'EVVM-AUTH-05', 'STD-02', 'STD-03', 'STD-06', 'STD-07'],
  'evvm-server': ['EVVM-AUTH-01', 'EVVM-AUTH-02', 'EVVM-AUTH-03', 'EVVM-AUTH-04', 'STD-02', 'STD-03', 'STD-04', 'STD-07', 'VVM-01', 'VVM-02', 'VVM-03', 'VVM-04', 'VVM-05', 'VVM-06'],
  // judged on the wire: what reached the harness's EVVM Server, its rogue servers and its STARTTLS stripper
  'evvm-client': ['EVVM-AUTH-03', 'STD-02', 'STD-04', 'VVM-05', 'VVM-06'],
  // its SMTP service (and the TLS versions it completes a handshake with): the link with the EVVM Server and the senders it takes mail from
  'forwarding-gateway': ['EVVM-AUTH-06', 'STD-07'],
  // its SMTP service and, with iut.send, what it sends: the EVVM Server it delivers to, the impostor it must not, a stand-in speaking one TLS version
  'non-oma-vm': ['EVVM-AUTH-07', 'EVVM-IW-C02', 'STD-07'],
  'evvm-server-peer': ['EVVM-AUTH-08', 'EVVM-IW-C01', 'STD-07'],
  // what its interworking interfaces take from the harness's Forwarding Gateway, Non-OMA VM Service and peer EVVM Server, with valid and flawed certificates, and what it relays to them (its send trigger)
  'evvm-server-interworking': ['EVVM-AUTH-06', 'EVVM-AUTH-07', 'EVVM-AUTH-08', 'EVVM-IW-C01', 'EVVM-IW-C04'],
  // what its bind and submit answers, and the handsets it delivers to, show: authenticated binds, the originator it sets, bind field limits, its TLS versions
  smsc: ['EVVM-SMS-C01', 'EVVM-SMS-C09', 'PRAC-04', 'STD-07'],
  // what its ESME bound with and submitted, as the harness's SMSC and the handsets received it
  'evvm-server-sms': ['EVVM-SMS-C05', 'EVVM-SMS-C07', 'EVVM-SMS-C08', 'EVVM-SMS-C09', 'VVM-07', 'VVM-08'],
};

const CLIENT_STATE = "needs the EVVM Client's own state, which a client under test does not expose to the harness";
/**
 * Requirements on the IUT's side that the harness cannot judge on the wire: their scenarios are
 * inconclusive, with the reason, before they run (never not applicable: the requirement does apply).
 */
export const IUT_UNJUDGED: Readonly<Partial<Record<IutRole, Readonly<Record<string, string>>>>> = {
  'evvm-client': {
    ...Object.fromEntries(['EVVM-CONT-01', 'EVVM-CONT-02', 'EVVM-CONT-03', 'EVVM-CONT-04'].map((id) => [id, `${CLIENT_STATE}: whether it decrypted the voicemail and checked its signature`])),
    ...Object.fromEntries(['EVVM-SMS-C01', 'EVVM-SMS-C02', 'EVVM-SMS-C03', 'EVVM-SMS-C04', 'EVVM-SMS-C06'].map((id) => [id, `${CLIENT_STATE}: what it made of a notification it received (the harness's own device plays the handset)`])),
    'STD-07': 'the harness does not point a client under test at its single-version TLS servers: only its own clients face them',
    'PRAC-01': `${CLIENT_STATE}: which notifications its allow-list let through (the harness's own device plays the handset)`,
    'PRAC-02': `${CLIENT_STATE}: whether it crashed or kept partial state after a hostile server (only the harness's own client faces the hostile corpus)`,
    'PRAC-03': `${CLIENT_STATE}: which capabilities its configuration blacklists`,
  },
  'evvm-server-interworking': { 'EVVM-IW-C03': 'needs the copy the EVVM Server under test stored (did it flag a broken signature), which its SMTP interfaces do not show' },
  'evvm-server-peer': { 'EVVM-IW-C03': "needs the copy the peer EVVM Server stored (is its signature intact, did it flag it), which its SMTP interface does not show" },
};

/** Why a scenario cannot be judged with this IUT although it applies (every requirement it carries is unjudged), or undefined. */
export function unjudgedBeforeRun(tags: readonly string[], iut: IutRole | undefined): string | undefined {
  const unjudged = iut && IUT_UNJUDGED[iut];
  if (!unjudged) return undefined;
  const ids = tags.map((t) => t.replace(/^@/, '')).filter(isRequirementId);
  if (ids.length === 0 || ids.some((id) => unjudged[id] === undefined)) return undefined;
  return `${ids.map((id) => `${id} ${unjudged[id]}`).join('; ')} (the ${iut} under test)`;
}

/**
 * Why a scenario is not applicable, decided from its tags before it runs (so it starts no simulator and
 * reaches no implementation), or undefined when it is applicable. With an implementation under test, a
 * scenario none of whose requirements that implementation answers is not applicable.
 */
export function notApplicableBeforeRun(tags: readonly string[], iut: IutRole | undefined): string | undefined {
  if (!iut) return undefined;
  const ids = tags.map((t) => t.replace(/^@/, '')).filter(isRequirementId);
  const answered = IUT_REQUIREMENTS[iut];
  if (ids.some((id) => answered.includes(id) || IUT_UNJUDGED[iut]?.[id] !== undefined)) return undefined;
  return `${ids.join(', ') || 'this scenario'} is not answered by the implementation under test (the ${iut}; it answers ${answered.join(', ')})`;
}

/** The reason for a scenario that ran, but only against the harness's own simulators. */
export function iutNotReached(iut: IutRole): string {
  return `ran against the harness's simulators only: it never reached the implementation under test (the ${iut}), so it says nothing about it`;
}
