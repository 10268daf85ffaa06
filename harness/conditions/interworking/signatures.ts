/** Whether the S/MIME signature of a relayed voicemail survived, and what the receiver made of a broken one (EVVM-IW-C03). */
import { SIGNATURE_INVALID_FLAG } from '../../../simulators/evvm-server/interworking';
import type { SignatureCheck } from '../../../simulators/protocol/smtp/smime';
import type { Mailbox } from '../../roles/interworking';
import { condition } from '../condition';

export const brokenSignatureFlagged = condition('BrokenSignatureFlagged', ['EVVM-IW-C03'], (held: Mailbox) => ({
  ok: held.length === 1 && held[0]!.flags.includes(SIGNATURE_INVALID_FLAG),
  message: held.length ? `stored with flags [${held[0]!.flags.join(' ')}]` : 'not stored',
  evidence: { want: SIGNATURE_INVALID_FLAG },
}));

/** The copy at the far end still verifies, signed by the EVVM Server; `check` is undefined when there is no copy. */
const signedByEvvmServer = (name: string) =>
  condition(name, ['EVVM-IW-C03'], (check: SignatureCheck | undefined) => ({
    ok: !!check?.valid && /CN=evvm-server(,|$)/.test(check.signer ?? ''),
    message: check ? `${check.reason}; signer ${check.signer ?? 'unknown'}` : 'no copy to verify',
    evidence: check ? { ...check } : undefined,
  }));

export const signatureSurvivesGateway = signedByEvvmServer('SignatureSurvivesGateway');
export const signatureSurvivesPeerRelay = signedByEvvmServer('SignatureSurvivesPeerRelay');

export const notFlagged = condition('NotFlagged', ['EVVM-IW-C03'], (copy: { flags: string[] } | undefined) => ({
  ok: !!copy && !copy.flags.includes(SIGNATURE_INVALID_FLAG),
  message: copy ? `flags [${copy.flags.join(' ')}]` : 'not stored',
}));

export const relayReEncoded = condition('RelayReEncoded', ['EVVM-IW-C03'], (check: SignatureCheck | undefined) => ({
  ok: !!check && !check.valid,
  message: check ? check.reason : 'no copy to verify',
  evidence: check ? { ...check } : undefined,
}));
