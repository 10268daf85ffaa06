/**
 * Hands a run's test PKI to another process (a simulator in a container): every certificate, chain and
 * test key as PEM, the CRLs and the rogue root. The receiver trusts exactly what the harness trusts, so
 * verdicts do not depend on where a role runs. CA keys never leave the generating process.
 */
import { CERTIFICATE_FLAWS } from './generate';
import { LeavesAndTwins } from './leaves';
import { SMIME_FLAWS, adoptSmimePki, type SmimeFlaw, type SmimeLeafSpec, type SmimePki } from './smime';
import type { CertificateFlaw, Credential, TestPki } from './types';

export interface PkiTransfer {
  tls: { rootPem: string; intermediatePem: string; crls: string[]; untrustedRootPem: string; credentials: Credential[] };
  smime?: { trustAnchorPem: string; issuingCaPem: string; crls: string[]; untrustedRootPem: string; credentials: Credential[]; specs: SmimeLeafSpec[] };
}

function allOf(h: { leaves: ReadonlyMap<string, Credential>; bad(name: string, flaw: never): Credential }, flaws: readonly string[]): Credential[] {
  const out: Credential[] = [];
  for (const [name, leaf] of h.leaves) {
    out.push(leaf);
    for (const flaw of flaws) out.push((h.bad as (n: string, f: string) => Credential)(name, flaw));
  }
  return out;
}

export function exportPki(pki: TestPki, smime?: SmimePki): PkiTransfer {
  return {
    tls: { rootPem: pki.rootPem, intermediatePem: pki.intermediatePem, crls: [...pki.crls], untrustedRootPem: pki.untrustedRootPem, credentials: allOf(pki, CERTIFICATE_FLAWS) },
    ...(smime
      ? { smime: { trustAnchorPem: smime.trustAnchorPem, issuingCaPem: smime.issuingCaPem, crls: [...smime.crls], untrustedRootPem: smime.untrustedRootPem, credentials: allOf(smime, SMIME_FLAWS), specs: [...smime.specs] } }
      : {}),
  };
}

class ImportedTestPki extends LeavesAndTwins<CertificateFlaw> implements TestPki {
  constructor(readonly rootPem: string, readonly intermediatePem: string, crls: readonly string[], untrustedRootPem: string, credentials: readonly Credential[]) {
    super(crls, untrustedRootPem, credentials, { pki: 'test PKI', flaw: 'certificate flaw', flaws: CERTIFICATE_FLAWS });
  }
  get trustAnchorPem(): string {
    return this.rootPem;
  }
}

class ImportedSmimePki extends LeavesAndTwins<SmimeFlaw> implements SmimePki {
  constructor(readonly trustAnchorPem: string, readonly issuingCaPem: string, crls: readonly string[], untrustedRootPem: string, credentials: readonly Credential[], readonly specs: readonly SmimeLeafSpec[]) {
    super(crls, untrustedRootPem, credentials, { pki: 'S/MIME PKI', flaw: 'S/MIME certificate flaw', flaws: SMIME_FLAWS });
  }
}

type SmimeTransfer = NonNullable<PkiTransfer['smime']>;

function importSmime(t: SmimeTransfer): SmimePki {
  return new ImportedSmimePki(t.trustAnchorPem, t.issuingCaPem, t.crls, t.untrustedRootPem, t.credentials, t.specs);
}

/**
 * The PKI as the harness generated it; its S/MIME part is what `smimePkiFor` answers from then on.
 * `laterSmime` is an S/MIME part still being made (a parallel run hands it over after the TLS part).
 */
export function importPki(t: PkiTransfer, laterSmime?: Promise<SmimeTransfer>): TestPki {
  const pki = new ImportedTestPki(t.tls.rootPem, t.tls.intermediatePem, t.tls.crls, t.tls.untrustedRootPem, t.tls.credentials);
  if (t.smime) adoptSmimePki(pki, importSmime(t.smime));
  else if (laterSmime) adoptSmimePki(pki, laterSmime.then(importSmime));
  return pki;
}
