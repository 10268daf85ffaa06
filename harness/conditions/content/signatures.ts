/** The signature the EVVM Client verified on the voicemail (EVVM-CONT-03 integrity, EVVM-CONT-04 non-repudiation). */
import type { ContentProblemCode, ContentReport } from '../../../simulators/evvm-client/content';
import { CALLER_IDENTITY } from '../../roles/content';
import { condition, judged } from '../condition';

const codes = (r: ContentReport): string => r.problems.map((p) => p.code).join(', ');
const SECURED_HEADERS = ['From', 'Date', 'Message-Context', 'Content-Duration'];

export const signatureVerifiesContentAndHeaders = condition('SignatureVerifiesContentAndHeaders', ['EVVM-CONT-03'], (r: ContentReport) => {
  const s = r.signatures[0];
  const ok = s !== undefined && s.digestMatches && s.signatureValid && s.trusted && SECURED_HEADERS.every((h) => s.securedHeaders.includes(h)) && !r.problems.some((p) => ['integrity', 'signature-invalid', 'header-altered', 'unsigned'].includes(p.code));
  return judged(
    ok,
    `signature by ${s?.signer?.subject} verifies; it secures ${s?.securedHeaders.join(', ')}`,
    s ? `signature: digest ${s.digestMatches}, valid ${s.signatureValid}, trusted ${s.trusted}, secures ${s.securedHeaders.join(', ') || 'no header'}; problems: ${codes(r)}` : `no signature: ${codes(r)}`,
    s ? { signature: s } : undefined,
  );
});

export const signedByEvvmServerForCaller = condition('SignedByEvvmServerForCaller', ['EVVM-CONT-04'], (r: ContentReport) => {
  const s = r.signatures[0];
  const ok = s !== undefined && s.signedBy === 'evvm-server' && s.signatureValid && s.digestMatches && s.originator === CALLER_IDENTITY;
  return judged(
    ok,
    `signed by the EVVM Server (${s?.signer?.san.join(' ')}), not by the caller ${s?.originator}: the caller had no key, the server vouches for the deposit (open question 7)`,
    s ? `signature by ${s.signer?.subject ?? 'unknown'} [${s.signedBy ?? '?'}], valid ${s.signatureValid}` : `no signature: ${codes(r)}`,
    s ? { signature: s } : undefined,
  );
});

export const signedByOriginator = condition('SignedByOriginator', ['EVVM-CONT-04'], (r: ContentReport) => {
  const s = r.signatures[0];
  const ok = s !== undefined && s.signedBy === 'originator' && s.signatureValid && s.digestMatches && s.originator === CALLER_IDENTITY;
  return judged(
    ok,
    `signed by the caller ${s?.originator} itself (${s?.signer?.san.join(' ')})`,
    s ? `signature by ${s.signer?.subject ?? 'unknown'} [${s.signedBy ?? '?'}] for originator ${s.originator ?? '?'}` : `no signature: ${codes(r)}`,
    s ? { signature: s } : undefined,
  );
});

export const nonRepudiableSignature = condition('NonRepudiableSignature', ['EVVM-CONT-04'], (r: ContentReport) => {
  const s = r.signatures[0];
  const ok = s !== undefined && s.signingTime !== undefined && s.trusted && s.revocation.length > 0 && s.revocation.every((x) => x.status === 'good') && s.keyUsage.includes('nonRepudiation') && !r.problems.some((p) => p.code === 'signing-time' || p.code === 'no-non-repudiation');
  return judged(
    ok,
    `signed at ${s?.signingTime}; chain ${s?.chain.join(' <- ')}; revocation ${s?.revocation.map((x) => x.status).join('/')}; key usage ${s?.keyUsage.join(', ')}`,
    s ? `signing time ${s.signingTime ?? 'missing'}, trusted ${s.trusted}, revocation ${s.revocation.map((x) => x.status).join('/') || 'unchecked'}, key usage ${s.keyUsage.join(', ')}; problems: ${codes(r)}` : 'no signature',
  );
});

/** The EVVM Client refuses a signature that cannot support non-repudiation, for the reason the scenario names. */
export const clientRejectsForNonRepudiation = condition('ClientRejectsForNonRepudiation', ['EVVM-CONT-04'], (r: ContentReport, expected: readonly ContentProblemCode[], reason: string) => {
  const found = r.problems.filter((p) => expected.includes(p.code));
  const ok = r.verdict === 'reported' && found.length > 0;
  const what = reason.replace(/^the /, 'such that the ');
  return judged(
    ok,
    `reported instead of played: ${found.map((p) => `${p.code}: ${p.detail}`).join('; ')}`,
    r.verdict === 'play' ? `the EVVM Client played a voicemail that is ${what}` : `reported, but not as ${what}: ${codes(r)}`,
    { problems: r.problems },
  );
});
