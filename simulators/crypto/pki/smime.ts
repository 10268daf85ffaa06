/**
 * The S/MIME part of the test PKI (voicemail content security, EVVM-CONT-01..04): an "EVVM Test S/MIME
 * CA" under the same root as the TLS hierarchy, issuing signing and encryption certificates with the
 * emailProtection EKU, their bad twins, and the S/MIME CA's CRL.
 *
 * Why a second issuing CA rather than more TLS leaves: S/MIME and TLS certificates carry different key
 * usages and EKUs (and real PKIs keep them apart), the TLS leaves and their tests stay exactly as they
 * are, and this part is generated only by processes that need it (RSA keys cost ~110 ms each).
 * A relying party trusts the same root; the chain is leaf -> EVVM Test S/MIME CA -> EVVM Test Root CA.
 *
 * Each leaf has one key pair, shared by its bad twins: a twin differs from its leaf only in the
 * certificate, which is all the checks under test look at, and it saves six RSA key generations.
 */
import { generateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { x509, webcrypto } from './x509';
import { authoritiesOf } from './generate';
import { certificatePem, fingerprint256, issueCa, issueCrlPem, newSerialNumber, normalizePem, type Authority } from './issue';
import { sharedTestPki } from './shared';
import type { CertificateFlaw, Credential, TestPki } from './types';

const generateKeyPairAsync = promisify(generateKeyPair);

export type SmimeUsage = 'signing' | 'encryption';
export type SmimeKeyAlgorithm = 'rsa' | 'ec';

export interface SmimeLeafSpec {
  name: string;
  /** signing: digitalSignature + nonRepudiation; encryption: keyEncipherment (RSA) or keyAgreement (EC) */
  usage: SmimeUsage;
  /** default rsa (RSA-2048); ec is P-256 */
  keyAlgorithm?: SmimeKeyAlgorithm;
  commonName?: string;
  /** tel: and sip: URIs of the identity the certificate binds */
  uri?: string[];
  email?: string[];
  dns?: string[];
}

/**
 * The flaws an S/MIME twin carries, one each. 'wrong-host' names another identity (mallory);
 * 'wrong-eku' has serverAuth instead of emailProtection; 'wrong-key-usage' swaps signing and encryption
 * key usages; 'no-non-repudiation' signs with digitalSignature only (no contentCommitment).
 */
export type SmimeFlaw = CertificateFlaw | 'wrong-key-usage' | 'no-non-repudiation';

export const SMIME_FLAWS: readonly SmimeFlaw[] = [
  'untrusted-ca',
  'expired',
  'not-yet-valid',
  'wrong-host',
  'wrong-eku',
  'revoked',
  'wrong-key-usage',
  'no-non-repudiation',
];

export const SMIME_CA_NAME = 'EVVM Test S/MIME CA';
/** The identity a 'wrong-host' twin binds instead of its own. */
export const OTHER_IDENTITY = { commonName: 'mallory', uri: 'sip:mallory@attacker.example', email: 'mallory@attacker.example' } as const;

/** Who holds which key in the content-security key model (docs/content-security.md). */
export const DEFAULT_SMIME_LEAVES: readonly SmimeLeafSpec[] = [
  // The depositing EVVM Server signs voicemails of callers without a key (open question 7).
  { name: 'smime-evvm-server', usage: 'signing', commonName: 'EVVM Server evvm-server.op.example', dns: ['evvm-server.op.example'], email: ['voicemail@op.example'] },
  // A caller with a key signs as itself.
  { name: 'smime-caller', usage: 'signing', commonName: 'dave', uri: ['tel:+15557777', 'sip:dave@peer.example'], email: ['dave@peer.example'] },
  // The mailbox owners' devices hold the decryption keys (end to end, open question 6).
  { name: 'smime-alice', usage: 'encryption', commonName: 'alice device', uri: ['tel:+15550001', 'sip:alice@op.example'], email: ['alice@op.example'] },
  { name: 'smime-alice-ec', usage: 'encryption', keyAlgorithm: 'ec', commonName: 'alice device (EC)', uri: ['tel:+15550001', 'sip:alice@op.example'], email: ['alice@op.example'] },
  { name: 'smime-bob', usage: 'encryption', commonName: 'bob device', uri: ['tel:+15550002', 'sip:bob@op.example'], email: ['bob@op.example'] },
];

export interface SmimePki {
  /** the same root as the TLS hierarchy */
  trustAnchorPem: string;
  /** EVVM Test S/MIME CA */
  issuingCaPem: string;
  /** CRLs of the root and of the S/MIME CA, one per entry */
  crls: readonly string[];
  /** the same CRLs concatenated, for `openssl cms -verify -crl_check_all -CRLfile` */
  crlPem: string;
  untrustedRootPem: string;
  leaves: ReadonlyMap<string, Credential>;
  specs: readonly SmimeLeafSpec[];
  leaf(name: string): Credential;
  bad(leafName: string, flaw: SmimeFlaw): Credential;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const LEAF_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

interface LeafKeys {
  spki: ArrayBuffer;
  keyPem: string;
}

async function newLeafKeys(algorithm: SmimeKeyAlgorithm): Promise<LeafKeys> {
  // Node's own generator runs in the thread pool, so the RSA keys of all leaves are made in parallel.
  const pair: { publicKey: KeyObject; privateKey: KeyObject } =
    algorithm === 'rsa'
      ? await generateKeyPairAsync('rsa', { modulusLength: 2048 })
      : await generateKeyPairAsync('ec', { namedCurve: 'P-256' });
  const der = pair.publicKey.export({ type: 'spki', format: 'der' });
  return {
    spki: der.buffer.slice(der.byteOffset, der.byteOffset + der.byteLength) as ArrayBuffer,
    keyPem: normalizePem(pair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string),
  };
}

function keyUsage(spec: SmimeLeafSpec, flaw: SmimeFlaw | undefined): number {
  const F = x509.KeyUsageFlags;
  const signing = F.digitalSignature | F.nonRepudiation;
  const encryption = spec.keyAlgorithm === 'ec' ? F.keyAgreement : F.keyEncipherment;
  if (flaw === 'wrong-key-usage') return spec.usage === 'signing' ? encryption : signing;
  if (flaw === 'no-non-repudiation' && spec.usage === 'signing') return F.digitalSignature;
  return spec.usage === 'signing' ? signing : encryption;
}

function altNames(spec: SmimeLeafSpec, flaw: SmimeFlaw | undefined): x509.JsonGeneralName[] {
  if (flaw === 'wrong-host') {
    return [
      { type: 'url', value: OTHER_IDENTITY.uri },
      { type: 'email', value: OTHER_IDENTITY.email },
    ];
  }
  return [
    ...(spec.uri ?? []).map((value) => ({ type: 'url' as const, value })),
    ...(spec.email ?? []).map((value) => ({ type: 'email' as const, value })),
    ...(spec.dns ?? []).map((value) => ({ type: 'dns' as const, value })),
  ];
}

function subjectKeyId(cert: x509.X509Certificate): string {
  const ski = cert.getExtension(x509.SubjectKeyIdentifierExtension);
  if (!ski) throw new Error(`issuer ${cert.subject} has no SubjectKeyIdentifier`);
  return ski.keyId;
}

async function issueSmimeLeaf(
  spec: SmimeLeafSpec,
  keys: LeafKeys,
  issuer: Authority,
  flaw: SmimeFlaw | undefined,
  now: number,
): Promise<x509.X509Certificate> {
  const commonName = flaw === 'wrong-host' ? OTHER_IDENTITY.commonName : (spec.commonName ?? spec.name);
  const notBefore = flaw === 'expired' ? now - 31 * DAY : flaw === 'not-yet-valid' ? now + DAY : now - HOUR;
  const notAfter = flaw === 'expired' ? now - DAY : flaw === 'not-yet-valid' ? now + 31 * DAY : now + 30 * DAY;
  const eku = flaw === 'wrong-eku' ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.emailProtection;
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(keyUsage(spec, flaw), true),
    new x509.ExtendedKeyUsageExtension([eku], false),
    await x509.SubjectKeyIdentifierExtension.create(keys.spki),
    new x509.AuthorityKeyIdentifierExtension(subjectKeyId(issuer.cert)),
    new x509.SubjectAlternativeNameExtension(altNames(spec, flaw), false),
  ];
  return x509.X509CertificateGenerator.create({
    serialNumber: newSerialNumber(),
    subject: new x509.Name([{ CN: [commonName] }, { O: [flaw === 'untrusted-ca' ? 'Rogue PKI' : 'EVVM Test PKI'] }]),
    issuer: issuer.cert.subjectName,
    notBefore: new Date(notBefore),
    notAfter: new Date(notAfter),
    publicKey: keys.spki,
    signingKey: issuer.keys.privateKey,
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' } as webcrypto.EcdsaParams,
    extensions,
  });
}

function credential(name: string, cert: x509.X509Certificate, chain: readonly x509.X509Certificate[], keyPem: string): Credential {
  const certPem = certificatePem(cert);
  return {
    name,
    certPem,
    chainPem: [certPem, ...chain.map(certificatePem)].join(''),
    keyPem,
    subject: cert.subject,
    fingerprint256: fingerprint256(cert),
    serialNumber: cert.serialNumber.toUpperCase(),
  };
}

export function smimeTwinName(leafName: string, flaw: SmimeFlaw): string {
  return `${leafName}:${flaw}`;
}

class GeneratedSmimePki implements SmimePki {
  constructor(
    readonly trustAnchorPem: string,
    readonly issuingCaPem: string,
    readonly crls: readonly string[],
    readonly untrustedRootPem: string,
    readonly leaves: ReadonlyMap<string, Credential>,
    readonly specs: readonly SmimeLeafSpec[],
    private readonly twins: ReadonlyMap<string, Credential>,
  ) {}

  get crlPem(): string {
    return this.crls.join('');
  }

  leaf(name: string): Credential {
    const c = this.leaves.get(name);
    if (!c) throw new Error(`S/MIME PKI has no leaf '${name}' (known: ${[...this.leaves.keys()].join(', ')})`);
    return c;
  }

  bad(leafName: string, flaw: SmimeFlaw): Credential {
    this.leaf(leafName);
    const c = this.twins.get(smimeTwinName(leafName, flaw));
    if (!c) throw new Error(`unknown S/MIME certificate flaw '${flaw}' (known: ${SMIME_FLAWS.join(', ')})`);
    return c;
  }
}

/** Issues the S/MIME hierarchy under the root of `pki` (which must come from generateTestPki in this process). */
export async function generateSmimePki(pki: TestPki, specs: readonly SmimeLeafSpec[] = DEFAULT_SMIME_LEAVES): Promise<SmimePki> {
  const authorities = authoritiesOf(pki);
  if (!authorities) throw new Error('generateSmimePki: the TLS test PKI was not generated in this process (no CA keys)');
  const seen = new Set<string>();
  for (const s of specs) {
    if (!LEAF_NAME.test(s.name) || seen.has(s.name)) throw new Error(`S/MIME leaf name '${s.name}' is invalid or given twice`);
    seen.add(s.name);
  }
  const now = Date.now();
  const smimeCa = await issueCa({
    subject: [{ CN: [SMIME_CA_NAME] }, { O: ['EVVM Test PKI'] }],
    issuer: authorities.root,
    pathLength: 0,
    notBefore: new Date(now - 60 * DAY),
    notAfter: new Date(now + 365 * DAY),
  });
  const keys = await Promise.all(specs.map((s) => newLeafKeys(s.keyAlgorithm ?? 'rsa')));

  const jobs: Array<Promise<Credential>> = [];
  specs.forEach((spec, i) => {
    const k = keys[i]!;
    const issue = async (flaw: SmimeFlaw | undefined): Promise<Credential> => {
      const rogue = flaw === 'untrusted-ca';
      const cert = await issueSmimeLeaf(spec, k, rogue ? authorities.rogueRoot : smimeCa, flaw, now);
      return credential(flaw ? smimeTwinName(spec.name, flaw) : spec.name, cert, rogue ? [] : [smimeCa.cert], k.keyPem);
    };
    jobs.push(issue(undefined));
    for (const flaw of SMIME_FLAWS) jobs.push(issue(flaw));
  });
  const all = await Promise.all(jobs);
  const leaves = new Map<string, Credential>();
  const twins = new Map<string, Credential>();
  for (const c of all) (c.name.includes(':') ? twins : leaves).set(c.name, c);

  const crl = await issueCrlPem({
    issuer: smimeCa,
    revoked: specs.map((s) => twins.get(smimeTwinName(s.name, 'revoked'))!.serialNumber),
    revocationDate: new Date(now - 30 * 60_000),
    thisUpdate: new Date(now - 5 * 60_000),
    nextUpdate: new Date(now + 30 * DAY),
  });
  // The root's CRL (pki.crls[0]) says the S/MIME CA itself is not revoked.
  return new GeneratedSmimePki(pki.trustAnchorPem, certificatePem(smimeCa.cert), [pki.crls[0]!, crl], pki.untrustedRootPem, leaves, specs, twins);
}

const perPki = new WeakMap<TestPki, Promise<SmimePki>>();

/** The default S/MIME hierarchy of a test PKI, generated once per process and PKI. */
export function smimePkiFor(pki: TestPki): Promise<SmimePki> {
  let p = perPki.get(pki);
  if (!p) {
    p = generateSmimePki(pki);
    perPki.set(pki, p);
    p.catch(() => perPki.delete(pki));
  }
  return p;
}

/** The S/MIME hierarchy of `pki` if something in this process asked for it (writePki adds it then). */
export function generatedSmimePki(pki: TestPki): Promise<SmimePki> | undefined {
  return perPki.get(pki);
}

/** The S/MIME hierarchy of the process's shared test PKI. */
export async function sharedSmimePki(): Promise<SmimePki> {
  return smimePkiFor(await sharedTestPki());
}
