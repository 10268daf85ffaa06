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
import { x509 } from './x509';
import { authoritiesOf, CERTIFICATE_FLAWS } from './generate';
import { caValidity, certificatePem, crlDates, issueCa, issueCrlPem, issueEndEntity, leafValidity, normalizePem, toCredential, type Authority } from './issue';
import { checkLeafNames, LeavesAndTwins, revokedSerials, twinName } from './leaves';
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

/** Every flaw of the TLS twins, then the two that only S/MIME key usages have. */
export const SMIME_FLAWS: readonly SmimeFlaw[] = [...CERTIFICATE_FLAWS, 'wrong-key-usage', 'no-non-repudiation'];

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

function issueSmimeLeaf(spec: SmimeLeafSpec, keys: LeafKeys, issuer: Authority, flaw: SmimeFlaw | undefined, now: number): Promise<x509.X509Certificate> {
  const commonName = flaw === 'wrong-host' ? OTHER_IDENTITY.commonName : (spec.commonName ?? spec.name);
  return issueEndEntity({
    subject: [{ CN: [commonName] }, { O: [flaw === 'untrusted-ca' ? 'Rogue PKI' : 'EVVM Test PKI'] }],
    issuer,
    publicKey: keys.spki,
    keyUsage: keyUsage(spec, flaw),
    extendedKeyUsage: [flaw === 'wrong-eku' ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.emailProtection],
    subjectAltNames: altNames(spec, flaw),
    ...leafValidity(now, flaw),
  });
}

/** The same naming as the TLS twins: `<leaf>:<flaw>`. */
export const smimeTwinName: (leafName: string, flaw: SmimeFlaw) => string = twinName;

class GeneratedSmimePki extends LeavesAndTwins<SmimeFlaw> implements SmimePki {
  constructor(
    readonly trustAnchorPem: string,
    readonly issuingCaPem: string,
    crls: readonly string[],
    untrustedRootPem: string,
    credentials: readonly Credential[],
    readonly specs: readonly SmimeLeafSpec[],
  ) {
    super(crls, untrustedRootPem, credentials, { pki: 'S/MIME PKI', flaw: 'S/MIME certificate flaw', flaws: SMIME_FLAWS });
  }
}

/** Issues the S/MIME hierarchy under the root of `pki` (which must come from generateTestPki in this process). */
export async function generateSmimePki(pki: TestPki, specs: readonly SmimeLeafSpec[] = DEFAULT_SMIME_LEAVES): Promise<SmimePki> {
  const authorities = authoritiesOf(pki);
  if (!authorities) throw new Error('generateSmimePki: the TLS test PKI was not generated in this process (no CA keys)');
  checkLeafNames(specs.map((s) => s.name), 'S/MIME leaf');
  const now = Date.now();
  const smimeCa = await issueCa({ subject: [{ CN: [SMIME_CA_NAME] }, { O: ['EVVM Test PKI'] }], issuer: authorities.root, pathLength: 0, ...caValidity(now) });
  const keys = await Promise.all(specs.map((s) => newLeafKeys(s.keyAlgorithm ?? 'rsa')));

  const jobs: Array<Promise<Credential>> = [];
  specs.forEach((spec, i) => {
    const k = keys[i]!;
    const issue = async (flaw: SmimeFlaw | undefined): Promise<Credential> => {
      const rogue = flaw === 'untrusted-ca';
      const cert = await issueSmimeLeaf(spec, k, rogue ? authorities.rogueRoot : smimeCa, flaw, now);
      return toCredential(flaw ? twinName(spec.name, flaw) : spec.name, cert, rogue ? [] : [smimeCa.cert], k.keyPem);
    };
    jobs.push(issue(undefined));
    for (const flaw of SMIME_FLAWS) jobs.push(issue(flaw));
  });
  const credentials = await Promise.all(jobs);

  const crl = await issueCrlPem({ issuer: smimeCa, revoked: revokedSerials(credentials), ...crlDates(now) });
  // The root's CRL (pki.crls[0]) says the S/MIME CA itself is not revoked.
  return new GeneratedSmimePki(pki.trustAnchorPem, certificatePem(smimeCa.cert), [pki.crls[0]!, crl], pki.untrustedRootPem, credentials, specs);
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

/** Makes `smime` the hierarchy of `pki` in this process (a PKI handed over by the harness, transfer.ts). */
export function adoptSmimePki(pki: TestPki, smime: SmimePki | Promise<SmimePki>): void {
  const adopted = Promise.resolve(smime);
  adopted.catch(() => undefined); // still being handed over: its failure is reported to whoever asks for it
  perPki.set(pki, adopted);
}

/** The S/MIME hierarchy of `pki` if something in this process asked for it (writePki adds it then). */
export function generatedSmimePki(pki: TestPki): Promise<SmimePki> | undefined {
  return perPki.get(pki);
}

/** The S/MIME hierarchy of the process's shared test PKI. */
export async function sharedSmimePki(): Promise<SmimePki> {
  return smimePkiFor(await sharedTestPki());
}
