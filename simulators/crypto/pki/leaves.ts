/**
 * What a generated hierarchy hands out, the TLS test PKI (generate.ts) and its S/MIME part (smime.ts)
 * alike: good leaves by name, each with bad twins named `<leaf>:<flaw>`, the CRLs and the rogue root.
 */
import type { Credential } from './types';

/** Leaf names end up as file names (writePki), so keep them to a portable set; no ':' (twin names use it). */
export const LEAF_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

export function twinName(leafName: string, flaw: string): string {
  return `${leafName}:${flaw}`;
}

/** `label`: 'leaf' or 'S/MIME leaf', for errors. */
export function checkLeafNames(names: readonly string[], label: string): void {
  const seen = new Set<string>();
  for (const name of names) {
    if (!LEAF_NAME.test(name)) throw new Error(`${label} name '${name}' must match ${LEAF_NAME}`);
    if (seen.has(name)) throw new Error(`${label} name '${name}' given twice`);
    seen.add(name);
  }
}

/** The serial numbers of the 'revoked' twins, in issuing order: what the issuing CA's CRL lists. */
export function revokedSerials(credentials: readonly Credential[]): string[] {
  return credentials.filter((c) => c.name.endsWith(':revoked')).map((c) => c.serialNumber);
}

export abstract class LeavesAndTwins<Flaw extends string> {
  /** good leaves by name */
  readonly leaves: ReadonlyMap<string, Credential>;
  private readonly twins: ReadonlyMap<string, Credential>;

  /** `what` names the hierarchy and its flaws in errors: { pki: 'test PKI', flaw: 'certificate flaw', … } */
  protected constructor(
    readonly crls: readonly string[],
    readonly untrustedRootPem: string,
    credentials: readonly Credential[],
    private readonly what: { pki: string; flaw: string; flaws: readonly Flaw[] },
  ) {
    const leaves = new Map<string, Credential>();
    const twins = new Map<string, Credential>();
    for (const credential of credentials) (credential.name.includes(':') ? twins : leaves).set(credential.name, credential);
    this.leaves = leaves;
    this.twins = twins;
  }

  /** The CRLs concatenated, as `openssl verify -CRLfile` and `openssl cms -CRLfile` want them. */
  get crlPem(): string {
    return this.crls.join('');
  }

  leaf(name: string): Credential {
    const credential = this.leaves.get(name);
    if (!credential) throw new Error(`${this.what.pki} has no leaf '${name}' (known: ${[...this.leaves.keys()].join(', ')})`);
    return credential;
  }

  bad(leafName: string, flaw: Flaw): Credential {
    this.leaf(leafName);
    const credential = this.twins.get(twinName(leafName, flaw));
    if (!credential) throw new Error(`unknown ${this.what.flaw} '${flaw}' (known: ${this.what.flaws.join(', ')})`);
    return credential;
  }
}
