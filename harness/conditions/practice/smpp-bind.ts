/** PRAC-04: the SMSC holds system_id and password to their SMPP field sizes (16 and 9 octets with the NUL). */
import type { SmscObservations } from '../../../simulators/smsc';
import type { BindOutcome } from '../../../simulators/protocol/smpp/esme';
import { condition, judged, type Judgement } from '../condition';

/** A bind whose fields are as long as they may be is bound: the limits do not cut legitimate values. */
export const bindAtFieldLimitsAccepted = condition('BindAtFieldLimitsAccepted', ['PRAC-04'], (b: BindOutcome | undefined, sizes: { systemId: number; password: number }) =>
  judged(b?.statusName === 'ESME_ROK', `a ${sizes.systemId}-octet system_id and a ${sizes.password}-octet password: bound`, `a ${sizes.systemId}-octet system_id and a ${sizes.password}-octet password: ${b?.statusName ?? 'no answer'}`, { sizes }),
);

/** An over-long field is refused with its own status, and the SMSC bound nobody as the account it names. */
export const overlongBindFieldRefused = condition(
  'OverlongBindFieldRefused',
  ['PRAC-04'],
  (b: BindOutcome | undefined, expected: string, smsc: SmscObservations, account: string): Judgement => {
    const bound = smsc.binds.filter((x) => x.systemId === account && x.status === 'ESME_ROK');
    const ok = b?.statusName === expected && bound.length === 0;
    const seen = `bind_transceiver_resp ${b?.statusName ?? 'none'}${bound.length ? `; the SMSC bound a session as "${account}"` : ''}`;
    return judged(ok, seen, `${seen} (expected ${expected}, nothing bound)`, { binds: smsc.binds.map((x) => ({ systemId: x.systemId, status: x.status })) });
  },
);
