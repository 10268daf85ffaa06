/** What the EVVM Server stored and served, read without keys (EVVM-CONT-01, EVVM-CONT-02). */
import type { PartKind, ProtectionLayout } from '../../../simulators/crypto/cms';
import { condition, judged } from '../condition';

const recipientsOf = (layout: ProtectionLayout): string[] => layout.envelopes.flatMap((e) => e.recipients.map((r) => r.serialHex ?? r.keyIdHex ?? '?'));

/** Every recipient of every envelope is one of the owner's device certificates. */
const forOwnerOnly = (recipients: readonly string[], owner: readonly string[]): boolean => recipients.length > 0 && recipients.every((r) => owner.includes(r));

export const storedEnvelopedWholeForOwner = condition('StoredEnvelopedWholeForOwner', ['EVVM-CONT-01'], (layout: ProtectionLayout, owner: readonly string[]) => {
  const recipients = recipientsOf(layout);
  const ok = layout.top === 'envelope' && layout.envelopes.length === 1 && layout.clearParts.length === 0 && forOwnerOnly(recipients, owner);
  const first = layout.envelopes[0];
  return judged(
    ok,
    `the stored voicemail is one ${first?.type === 'authEnveloped' ? 'AuthEnvelopedData' : 'EnvelopedData'} (${first?.contentEncryption}) for ${owner.join(', ')} only`,
    `stored as ${layout.top}, recipients ${recipients.join(', ') || 'none'} (owner: ${owner.join(', ')}), ${layout.clearParts.length} part(s) in clear`,
    { top: layout.top, envelopes: layout.envelopes.map((e) => ({ at: e.at, type: e.type, contentEncryption: e.contentEncryption, recipients: e.recipients.map((r) => ({ serial: r.serialHex, keyManagement: r.keyManagement })) })), clearParts: layout.clearParts },
  );
});

export const storedPartsEnvelopedForOwner = condition('StoredPartsEnvelopedForOwner', ['EVVM-CONT-02'], (layout: ProtectionLayout, chosen: readonly PartKind[], owner: readonly string[]) => {
  const recipients = recipientsOf(layout);
  const clearChosen = layout.clearParts.filter((p) => (chosen as readonly string[]).includes(p.kind));
  const clearOthers = layout.clearParts.filter((p) => !(chosen as readonly string[]).includes(p.kind) && p.kind !== 'other');
  const expectedOthers = (['audio', 'transcription'] as const).filter((k) => !chosen.includes(k)).length;
  const ok = layout.top !== 'envelope' && layout.envelopes.length === chosen.length && clearChosen.length === 0 && clearOthers.length === expectedOthers && forOwnerOnly(recipients, owner);
  return judged(
    ok,
    `${layout.envelopes.length} part(s) enveloped for ${owner.join(', ')} only; in clear: headers${clearOthers.map((p) => `, ${p.kind}`).join('')}`,
    `stored as ${layout.top} with ${layout.envelopes.length} envelope(s) (recipients ${recipients.join(', ') || 'none'}), in clear: ${layout.clearParts.map((p) => p.kind).join(', ') || 'nothing'}`,
    { top: layout.top, envelopes: layout.envelopes.map((e) => ({ at: e.at, type: e.type, recipients: e.recipients.map((r) => r.serialHex) })), clearParts: layout.clearParts },
  );
});

export const servedAsStored = condition('ServedAsStored', ['EVVM-CONT-01', 'EVVM-CONT-02'], (served: Buffer | undefined, stored: Buffer) => {
  const same = served !== undefined && served.equals(stored);
  return judged(same, `the IMAP FETCH returned the ${served?.length} stored bytes unchanged`, `served ${served?.length ?? 0} bytes, stored ${stored.length}`);
});
