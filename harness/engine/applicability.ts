import { isRequirementId } from '../catalogue';
import type { IutRole } from '../profile/sections/iut';

export type { IutRole };

/**
 * The requirements an implementation under test answers through the interface the harness reaches (its
 * IMAP service; docs/certifying.md): every other requirement is about a role the harness itself plays,
 * so its scenarios would only exercise the harness's own simulators.
 */
export const IUT_REQUIREMENTS: Readonly<Record<IutRole, readonly string[]>> = {
  'message-storage': ['CPM-MS-AUTH-01', 'CPM-MS-AUTH-02', 'CPM-MS-AUTH-03', 'CPM-MS-AUTH-04', 'CPM-MS-AUTH-05', 'CPM-MS-AUTH-06', 'EVVM-AUTH-05', 'STD-02', 'STD-03', 'STD-07'],
  'evvm-server': ['EVVM-AUTH-01', 'EVVM-AUTH-02', 'EVVM-AUTH-03', 'EVVM-AUTH-04', 'STD-02', 'STD-03', 'STD-07'],
  // its SMTP service: the link with the EVVM Server and the senders it takes mail from
  'forwarding-gateway': ['EVVM-AUTH-06'],
};

/**
 * Why a scenario is not applicable, decided from its tags before it runs (so it starts no simulator and
 * reaches no implementation), or undefined when it is applicable. With an implementation under test, a
 * scenario none of whose requirements that implementation answers is not applicable.
 */
export function notApplicableBeforeRun(tags: readonly string[], iut: IutRole | undefined): string | undefined {
  if (!iut) return undefined;
  const ids = tags.map((t) => t.replace(/^@/, '')).filter(isRequirementId);
  const answered = IUT_REQUIREMENTS[iut];
  if (ids.some((id) => answered.includes(id))) return undefined;
  return `${ids.join(', ') || 'this scenario'} is not answered by the implementation under test (the ${iut}; it answers ${answered.join(', ')})`;
}

/** The reason for a scenario that ran, but only against the harness's own simulators. */
export function iutNotReached(iut: IutRole): string {
  return `ran against the harness's simulators only: it never reached the implementation under test (the ${iut}), so it says nothing about it`;
}
