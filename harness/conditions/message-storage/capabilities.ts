/** What the Message Storage Server advertises before and after TLS (CPM-MS-AUTH-01, STD-02). */
import { condition, judged } from '../condition';

const shown = (when: string, caps: readonly string[]) => `CAPABILITY ${when} TLS: ${caps.join(' ') || '(none)'}`;

export const noPasswordMechanismBeforeTls = condition('NoPasswordMechanismBeforeTls', ['CPM-MS-AUTH-01'], (before: readonly string[], a: string, b: string) =>
  judged(before.length > 0 && !before.includes(a) && !before.includes(b), shown('before', before), shown('before', before)),
);

export const capabilitiesBeforeTls = condition('CapabilitiesBeforeTls', ['STD-02'], (before: readonly string[], a: string, b: string) =>
  judged(before.includes(a) && before.includes(b), shown('before', before), shown('before', before)),
);

/** `expectGone`: without a LOGIN command at all, LOGINDISABLED stays (the rule is about TLS, not about LOGIN). */
export const capabilitiesAfterTls = condition('CapabilitiesAfterTls', ['STD-02'], (after: readonly string[], capability: string, expectGone: boolean) =>
  judged(after.length > 0 && (!expectGone || !after.includes(capability)), shown('after', after), shown('after', after)),
);
