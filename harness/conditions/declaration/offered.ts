/**
 * A declared capability is offered on the wire (harness/declaration): judged once per run, before the first
 * scenario, and checked by each scenario that exercises the capability, so that a scenario whose refusal
 * would pass for a mechanism never offered fails with the finding instead of proving nothing.
 */
import type { Advertised } from '../../report/model';
import { condition, judged, type Condition } from '../condition';

function offered(name: string, requirements: readonly string[]): Condition<[Advertised | undefined, string]> {
  return condition(name, requirements, (seen: Advertised | undefined, capability: string) => {
    if (seen?.offered === undefined) return judged(true, `${capability}: not compared on the wire (${seen?.seen ?? 'not observed'})`, '');
    return judged(
      seen.offered,
      `${capability}: declared (${seen.field}) and offered: ${seen.seen}`,
      `${capability} is declared (${seen.field}) but the implementation under test does not offer it: ${seen.seen}`,
      { field: seen.field, seen: seen.seen },
    );
  });
}

export const declaredSaslMechanismOffered = offered('DeclaredSaslMechanismOffered', ['CPM-MS-AUTH-01', 'EVVM-AUTH-01', 'EVVM-AUTH-04']);
export const declaredLoginCommandOffered = offered('DeclaredLoginCommandOffered', ['CPM-MS-AUTH-02', 'CPM-MS-AUTH-03']);
// STD-06's scenarios check it too: a PSK-TLS declared and never offered fails STD-06, it is no harness error
export const declaredPskTlsOffered = offered('DeclaredPskTlsOffered', ['CPM-MS-AUTH-06', 'STD-06', 'STD-07']);
