/** What the Message Storage Server advertises before TLS (CPM-MS-AUTH-01); STD-02's capability conditions are shared (authentication/starttls.ts). */
import { condition, judged } from '../condition';

const shown = (when: string, caps: readonly string[]) => `CAPABILITY ${when} TLS: ${caps.join(' ') || '(none)'}`;

export const noPasswordMechanismBeforeTls = condition('NoPasswordMechanismBeforeTls', ['CPM-MS-AUTH-01'], (before: readonly string[], a: string, b: string) =>
  judged(before.length > 0 && !before.includes(a) && !before.includes(b), shown('before', before), shown('before', before)),
);
