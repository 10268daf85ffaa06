/**
 * The one place that loads @peculiar/x509: it needs a Reflect polyfill before it is first required
 * ("tsyringe requires a reflect polyfill") and a WebCrypto provider. Import x509 from here, not directly.
 */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';

// Node's webcrypto is structurally the WebCrypto the library expects; the types differ only in lib names.
x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export { x509, webcrypto };
