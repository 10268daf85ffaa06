/** What the CPM system handed subscribers out of band (CPM-MS-AUTH-04). */
import type { MssAccount } from '../../roles/message-storage';
import { condition, judged } from '../condition';

export const distinctPreconfiguredPasswords = condition('DistinctPreconfiguredPasswords', ['CPM-MS-AUTH-04'], (a: MssAccount, b: MssAccount) =>
  judged(a.password !== b.password, 'each subscriber got its own password', `"${a.name}" and "${b.name}" got the same pre-configured password`),
);
