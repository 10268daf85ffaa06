/** PEM test credentials (simulators/crypto/pki Credential) to the parsed forms the CMS code uses. */
import { createPrivateKey } from 'node:crypto';
import { certificatesFromPem, type Certificate } from './certificate';
import type { DecryptionKey } from './envelope';
import type { Signer } from './signed-data';

export interface KeyMaterial extends DecryptionKey, Signer {
  certificate: Certificate;
  /** the issuing CAs that followed the leaf in the chain PEM */
  chain: Certificate[];
}

const cache = new Map<string, KeyMaterial>();

/** A credential's chain (leaf first) and PKCS#8 key; parsed once per process. */
export function loadKey(credential: { chainPem: string; keyPem: string }): KeyMaterial {
  const id = credential.chainPem + credential.keyPem;
  let k = cache.get(id);
  if (!k) {
    const [certificate, ...chain] = certificatesFromPem(credential.chainPem);
    if (!certificate) throw new Error('loadKey: the chain holds no certificate');
    k = { certificate, chain, key: createPrivateKey(credential.keyPem) };
    cache.set(id, k);
  }
  return k;
}
