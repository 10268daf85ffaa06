/**
 * generateTestPki: the per-run test PKI. Trusted hierarchy "EVVM Test Root CA" -> "EVVM Test Issuing
 * CA" -> leaves, plus a self-contained "Rogue Root CA" for the 'untrusted-ca' twins.
 *
 * Every bad twin is generated up front, not on first request: `TestPki.bad()` is synchronous in the
 * contract and WebCrypto signing is not, and it makes the intermediate's CRL final from the start
 * (it lists every 'revoked' twin). With ECDSA P-256 the whole default set stays well under a second.
 */
import { x509 } from './x509';
import { caValidity, certificatePem, crlDates, issueCa, issueCrlPem, issueLeaf, leafValidity, privateKeyPem, toCredential, type Authority } from './issue';
import { checkLeafNames, LeavesAndTwins, revokedSerials, twinName } from './leaves';

export { twinName };
import type { CertificateFlaw, Credential, LeafSpec, LeafUsage, TestPki } from './types';

export interface TestPkiOptions {
  leaves: readonly LeafSpec[];
}

export const CERTIFICATE_FLAWS: readonly CertificateFlaw[] = [
  'untrusted-ca',
  'expired',
  'not-yet-valid',
  'wrong-host',
  'wrong-eku',
  'revoked',
];

/** The host name a 'wrong-host' twin names instead of its own. */
export const WRONG_HOST = 'attacker.example';

const ORGANIZATION = 'EVVM Test PKI';
const ROGUE_ORGANIZATION = 'Rogue PKI';
export const ROOT_CA_NAME = 'EVVM Test Root CA';
export const ISSUING_CA_NAME = 'EVVM Test Issuing CA';
export const ROGUE_ROOT_CA_NAME = 'Rogue Root CA';

function server(name: string): LeafSpec {
  return { name, usage: 'server', dns: [name, `${name}.op.example`, 'localhost'], ip: ['127.0.0.1'] };
}

/** The roles of this project; `sharedTestPki()` generates these. */
export const DEFAULT_LEAVES: readonly LeafSpec[] = [
  server('evvm-server'),
  {
    name: 'evvm-server-peer',
    usage: 'server',
    dns: ['evvm-server-peer', 'evvm-server.peer.example', 'localhost'],
    ip: ['127.0.0.1'],
  },
  server('message-storage'),
  server('forwarding-gateway'),
  server('non-oma-vm'),
  server('smsc'),
  { name: 'evvm-client', usage: 'client', uri: ['sip:alice@op.example'], email: ['alice@op.example'] },
  { name: 'evvm-client-bob', usage: 'client', uri: ['sip:bob@op.example'], email: ['bob@op.example'] },
  // The EVVM Server acting as a TLS client (server-to-server interworking).
  { name: 'evvm-server-client', usage: 'client', dns: ['evvm-server.op.example'] },
  // Interworking peers acting as TLS clients of the EVVM Server's SMTP interfaces (IF-6/7/8 inbound):
  // OpenSSL refuses a serverAuth-only leaf as a client certificate (INVALID_PURPOSE).
  { name: 'evvm-server-peer-client', usage: 'client', dns: ['evvm-server.peer.example'] },
  { name: 'forwarding-gateway-client', usage: 'client', dns: ['forwarding-gateway.op.example'] },
  { name: 'non-oma-vm-client', usage: 'client', dns: ['non-oma-vm.op.example'] },
];

function subjectAltNames(spec: LeafSpec): x509.JsonGeneralName[] {
  return [
    ...(spec.dns ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(spec.ip ?? []).map((value) => ({ type: 'ip' as const, value })),
    ...(spec.email ?? []).map((value) => ({ type: 'email' as const, value })),
    // x509 calls a uniformResourceIdentifier 'url'.
    ...(spec.uri ?? []).map((value) => ({ type: 'url' as const, value })),
  ];
}

function leafSubject(commonName: string, organization: string): x509.JsonName {
  return [{ CN: [commonName] }, { O: [organization] }];
}

/** What one leaf certificate looks like; a flaw changes exactly one of these. */
interface LeafProfile {
  commonName: string;
  usage: LeafUsage;
  subjectAltNames: x509.JsonGeneralName[];
  notBefore: Date;
  notAfter: Date;
  rogue: boolean;
}

function goodProfile(spec: LeafSpec, now: number): LeafProfile {
  return {
    commonName: spec.commonName ?? spec.name,
    usage: spec.usage,
    subjectAltNames: subjectAltNames(spec),
    ...leafValidity(now),
    rogue: false,
  };
}

function flawedProfile(good: LeafProfile, flaw: CertificateFlaw, now: number): LeafProfile {
  switch (flaw) {
    case 'untrusted-ca':
      return { ...good, rogue: true };
    case 'expired':
    case 'not-yet-valid':
      return { ...good, ...leafValidity(now, flaw) };
    case 'wrong-host':
      return { ...good, commonName: WRONG_HOST, subjectAltNames: [{ type: 'dns', value: WRONG_HOST }] };
    case 'wrong-eku':
      return { ...good, usage: good.usage === 'server' ? 'client' : 'server' };
    case 'revoked':
      // Same as good: only the CRL tells them apart.
      return { ...good };
  }
}

/**
 * The root CAs' keys of each generated PKI, for issuers that extend it later in the same process (the
 * S/MIME hierarchy, smime.ts). Kept out of the TestPki contract: CA keys never leave the process.
 */
const authorities = new WeakMap<TestPki, { root: Authority; rogueRoot: Authority }>();

export function authoritiesOf(pki: TestPki): { root: Authority; rogueRoot: Authority } | undefined {
  return authorities.get(pki);
}

class GeneratedTestPki extends LeavesAndTwins<CertificateFlaw> implements TestPki {
  constructor(
    readonly rootPem: string,
    readonly intermediatePem: string,
    crls: readonly string[],
    untrustedRootPem: string,
    credentials: readonly Credential[],
  ) {
    super(crls, untrustedRootPem, credentials, { pki: 'test PKI', flaw: 'certificate flaw', flaws: CERTIFICATE_FLAWS });
  }

  get trustAnchorPem(): string {
    return this.rootPem;
  }
}

function validate(leaves: readonly LeafSpec[]): void {
  checkLeafNames(leaves.map((spec) => spec.name), 'leaf');
  for (const spec of leaves) {
    if (spec.usage !== 'server' && spec.usage !== 'client') throw new Error(`leaf '${spec.name}': bad usage '${String(spec.usage)}'`);
  }
}

export async function generateTestPki(options: TestPkiOptions): Promise<TestPki> {
  validate(options.leaves);
  const now = Date.now();
  const [root, rogueRoot] = await Promise.all([
    issueCa({ subject: leafSubject(ROOT_CA_NAME, ORGANIZATION), ...caValidity(now) }),
    issueCa({ subject: leafSubject(ROGUE_ROOT_CA_NAME, ROGUE_ORGANIZATION), ...caValidity(now) }),
  ]);
  const intermediate = await issueCa({
    subject: leafSubject(ISSUING_CA_NAME, ORGANIZATION),
    issuer: root,
    pathLength: 0,
    ...caValidity(now),
  });

  const issue = async (name: string, profile: LeafProfile): Promise<Credential> => {
    const issuer: Authority = profile.rogue ? rogueRoot : intermediate;
    const issued = await issueLeaf({
      subject: leafSubject(profile.commonName, ORGANIZATION),
      issuer,
      usage: profile.usage,
      subjectAltNames: profile.subjectAltNames,
      notBefore: profile.notBefore,
      notAfter: profile.notAfter,
    });
    // The rogue hierarchy has no intermediate; its leaf goes alone, as a rogue server would send it.
    return toCredential(name, issued.cert, profile.rogue ? [] : [intermediate.cert], await privateKeyPem(issued.keys));
  };

  const jobs: Promise<Credential>[] = [];
  for (const spec of options.leaves) {
    const good = goodProfile(spec, now);
    jobs.push(issue(spec.name, good));
    for (const flaw of CERTIFICATE_FLAWS) jobs.push(issue(twinName(spec.name, flaw), flawedProfile(good, flaw, now)));
  }
  const credentials = await Promise.all(jobs);

  // Node's `crl` option checks every CA in the chain, so the root needs a (here empty) CRL too.
  const [rootCrl, intermediateCrl] = await Promise.all([
    issueCrlPem({ issuer: root, revoked: [], ...crlDates(now) }),
    issueCrlPem({ issuer: intermediate, revoked: revokedSerials(credentials), ...crlDates(now) }),
  ]);

  const pki = new GeneratedTestPki(certificatePem(root.cert), certificatePem(intermediate.cert), [rootCrl, intermediateCrl], certificatePem(rogueRoot.cert), credentials);
  authorities.set(pki, { root, rogueRoot });
  return pki;
}
