/**
 * writePki: puts a test PKI on disk so people and other processes can use it (`run --keep-pki`,
 * `simulate`): openssl, curl or an IMAP client can re-check the evidence with these files.
 *
 *   ca.pem              trust anchor (EVVM Test Root CA)
 *   intermediate.pem    EVVM Test Issuing CA
 *   chain.pem           intermediate then root
 *   crl.pem             CRLs of root and intermediate
 *   untrusted-ca.pem    Rogue Root CA (trust it only to play the rogue's own peers)
 *   NAME.crt / NAME.key good leaf: leaf then intermediate / PKCS#8 key (keys only with includeKeys)
 *   bad/NAME.FLAW.crt / .key   the bad twins
 *   smime/              the S/MIME hierarchy (smime.ts), when this process generated it: smime-ca.pem,
 *                       crl.pem (root and S/MIME CA), NAME.crt / NAME.key, bad/NAME.FLAW.crt / .key
 *   index.json          every file above and what it is
 */
import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CERTIFICATE_FLAWS } from './generate';
import { generatedSmimePki, SMIME_FLAWS, type SmimeFlaw } from './smime';
import type { CertificateFlaw, Credential, TestPki } from './types';

export interface WritePkiOptions {
  /** write private keys (mode 0600); without it only certificates and CRLs are written */
  includeKeys: boolean;
}

export type PkiFileKind =
  | 'trust-anchor'
  | 'intermediate-ca'
  | 'ca-chain'
  | 'crl'
  | 'untrusted-root'
  | 'leaf-chain'
  | 'leaf-key'
  | 'bad-leaf-chain'
  | 'bad-leaf-key'
  | 'smime-ca'
  | 'smime-crl'
  | 'smime-leaf-chain'
  | 'smime-leaf-key'
  | 'smime-bad-leaf-chain'
  | 'smime-bad-leaf-key';

export interface PkiIndexEntry {
  /** relative to the directory written */
  file: string;
  kind: PkiFileKind;
  description: string;
  /** leaf name (LeafSpec name) for leaf and key files */
  leaf?: string;
  flaw?: CertificateFlaw | SmimeFlaw;
  subject?: string;
  serialNumber?: string;
  fingerprint256?: string;
}

export interface PkiIndex {
  generatedBy: 'evvm-conformance';
  keysIncluded: boolean;
  files: PkiIndexEntry[];
}

const FLAW_DESCRIPTIONS: Record<CertificateFlaw, string> = {
  'untrusted-ca': 'issued by the untrusted Rogue Root CA (leaf only, no chain)',
  expired: 'validity ended yesterday',
  'not-yet-valid': 'validity starts tomorrow',
  'wrong-host': 'names only attacker.example (no IP address)',
  'wrong-eku': 'serverAuth and clientAuth swapped',
  revoked: 'listed in the issuing CA CRL (crl.pem)',
};

const SMIME_FLAW_DESCRIPTIONS: Record<SmimeFlaw, string> = {
  ...FLAW_DESCRIPTIONS,
  'wrong-host': 'binds another identity (sip:mallory@attacker.example)',
  'wrong-eku': 'serverAuth instead of emailProtection',
  revoked: 'listed in the S/MIME CA CRL (smime/crl.pem)',
  'wrong-key-usage': 'signing and encryption key usages swapped',
  'no-non-repudiation': 'digitalSignature without nonRepudiation (contentCommitment)',
};

const KEY_MODE = 0o600;

export async function writePki(pki: TestPki, dir: string, options: WritePkiOptions): Promise<PkiIndex> {
  await mkdir(path.join(dir, 'bad'), { recursive: true });
  const files: PkiIndexEntry[] = [];
  const writes: Promise<void>[] = [];

  const put = (entry: PkiIndexEntry, content: string): void => {
    files.push(entry);
    writes.push(writeFile(path.join(dir, entry.file), content));
  };
  const putKey = (entry: PkiIndexEntry, content: string): void => {
    const target = path.join(dir, entry.file);
    if (!options.includeKeys) {
      // A key left from an earlier write would no longer match the certificate next to it.
      writes.push(rm(target, { force: true }));
      return;
    }
    files.push(entry);
    // writeFile's mode only applies to new files, hence the chmod.
    writes.push(writeFile(target, content, { mode: KEY_MODE }).then(() => chmod(target, KEY_MODE)));
  };
  const leafFiles = (credential: Credential, stem: string, leaf: string, flaw?: CertificateFlaw): void => {
    const what = flaw ? `bad twin of ${leaf}: ${FLAW_DESCRIPTIONS[flaw]}` : `leaf ${leaf}`;
    const facts = {
      leaf,
      ...(flaw ? { flaw } : {}),
      subject: credential.subject,
      serialNumber: credential.serialNumber,
      fingerprint256: credential.fingerprint256,
    };
    put({ file: `${stem}.crt`, kind: flaw ? 'bad-leaf-chain' : 'leaf-chain', description: `${what}: certificate chain`, ...facts }, credential.chainPem);
    putKey({ file: `${stem}.key`, kind: flaw ? 'bad-leaf-key' : 'leaf-key', description: `${what}: PKCS#8 private key (test key)`, ...facts }, credential.keyPem);
  };

  put({ file: 'ca.pem', kind: 'trust-anchor', description: 'EVVM Test Root CA: the trust anchor' }, pki.trustAnchorPem);
  put({ file: 'intermediate.pem', kind: 'intermediate-ca', description: 'EVVM Test Issuing CA: issues every good leaf' }, pki.intermediatePem);
  put({ file: 'chain.pem', kind: 'ca-chain', description: 'issuing CA then root CA' }, pki.intermediatePem + pki.rootPem);
  put({ file: 'crl.pem', kind: 'crl', description: 'CRLs of the root CA and the issuing CA' }, pki.crlPem);
  put({ file: 'untrusted-ca.pem', kind: 'untrusted-root', description: 'Rogue Root CA: issues the untrusted-ca twins; not trusted' }, pki.untrustedRootPem);

  for (const [name, credential] of pki.leaves) {
    leafFiles(credential, name, name);
    for (const flaw of CERTIFICATE_FLAWS) leafFiles(pki.bad(name, flaw), `bad/${name}.${flaw}`, name, flaw);
  }

  const smime = await generatedSmimePki(pki)?.catch(() => undefined);
  if (smime) {
    await mkdir(path.join(dir, 'smime', 'bad'), { recursive: true });
    put({ file: 'smime/smime-ca.pem', kind: 'smime-ca', description: 'EVVM Test S/MIME CA (issued by the root): issues every S/MIME leaf' }, smime.issuingCaPem);
    put({ file: 'smime/crl.pem', kind: 'smime-crl', description: 'CRLs of the root CA and the S/MIME CA' }, smime.crlPem);
    const smimeFiles = (credential: Credential, stem: string, leaf: string, flaw?: SmimeFlaw): void => {
      const what = flaw ? `bad twin of S/MIME ${leaf}: ${SMIME_FLAW_DESCRIPTIONS[flaw]}` : `S/MIME leaf ${leaf}`;
      const facts = { leaf, ...(flaw ? { flaw } : {}), subject: credential.subject, serialNumber: credential.serialNumber, fingerprint256: credential.fingerprint256 };
      put({ file: `${stem}.crt`, kind: flaw ? 'smime-bad-leaf-chain' : 'smime-leaf-chain', description: `${what}: certificate chain`, ...facts }, credential.chainPem);
      putKey({ file: `${stem}.key`, kind: flaw ? 'smime-bad-leaf-key' : 'smime-leaf-key', description: `${what}: PKCS#8 private key (test key)`, ...facts }, credential.keyPem);
    };
    for (const [name, credential] of smime.leaves) {
      smimeFiles(credential, `smime/${name}`, name);
      for (const flaw of SMIME_FLAWS) smimeFiles(smime.bad(name, flaw), `smime/bad/${name}.${flaw}`, name, flaw);
    }
  }

  await Promise.all(writes);
  const index: PkiIndex = { generatedBy: 'evvm-conformance', keysIncluded: options.includeKeys, files };
  await writeFile(path.join(dir, 'index.json'), JSON.stringify(index, null, 2) + '\n');
  return index;
}
