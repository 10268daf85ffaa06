/**
 * The signed part of a bundle. manifest.json lists the SHA-256 of every other file; manifest.sig is an
 * Ed25519 signature of manifest.json's bytes (64 raw bytes, what `openssl pkeyutl -verify -rawin` checks);
 * manifest.sha256 (unsigned, `sha256sum -c` format) holds manifest.json's digest, so that when the
 * signature does not verify the verifier can say which of the two was altered.
 */
import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { z } from 'zod';

export const MANIFEST = 'manifest.json';
export const SIGNATURE = 'manifest.sig';
export const MANIFEST_DIGEST = 'manifest.sha256';
export const BUNDLE_FORMAT = 'evvm-conformance certification bundle, version 1';

const ManifestSchema = z.object({
  format: z.literal(BUNDLE_FORMAT),
  signature: z.object({
    algorithm: z.literal('Ed25519'),
    file: z.literal(SIGNATURE),
    /** the public key that verifies it (SPKI PEM): enough to check integrity; who holds the key is checked with verify --key */
    publicKey: z.string(),
    publicKeySha256: z.string(),
  }),
  /** every file of the bundle but the manifest, its signature and its digest: name -> SHA-256 (hex) */
  files: z.record(z.string(), z.string().regex(/^[0-9a-f]{64}$/)),
});

export type Manifest = z.infer<typeof ManifestSchema>;

export function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** SHA-256 of the key's DER encoding (SubjectPublicKeyInfo), as `openssl pkey -pubin -outform DER | sha256sum` prints it. */
export function keyFingerprint(key: KeyObject): string {
  return sha256(key.export({ type: 'spki', format: 'der' }));
}

/** The manifest's bytes, its signature and its digest file, for a bundle of files with these digests. */
export function signedManifest(files: Record<string, string>, privateKey: KeyObject): { manifest: Buffer; signature: Buffer; digest: Buffer } {
  const publicKey = createPublicKey(privateKey);
  const body: Manifest = {
    format: BUNDLE_FORMAT,
    signature: { algorithm: 'Ed25519', file: SIGNATURE, publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(), publicKeySha256: keyFingerprint(publicKey) },
    files,
  };
  const manifest = Buffer.from(`${JSON.stringify(body, null, 2)}\n`);
  return { manifest, signature: sign(null, manifest, privateKey), digest: Buffer.from(`${sha256(manifest)}  ${MANIFEST}\n`) };
}

export function signatureValid(manifest: Buffer, signature: Buffer, key: KeyObject): boolean {
  try {
    return verify(null, manifest, key, signature);
  } catch {
    return false;
  }
}

/** The manifest, if its bytes are one. */
export function parseManifest(bytes: Buffer): Manifest | undefined {
  try {
    const parsed = ManifestSchema.safeParse(JSON.parse(bytes.toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
