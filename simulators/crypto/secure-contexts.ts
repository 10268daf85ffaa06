/**
 * One TLS secure context per configuration, not per connection or listener. Node makes a context for
 * every `tls.connect` and every `tls.createServer`, and smtp-server makes its own per server: loading
 * the key, the certificate and the trust anchors into OpenSSL each time was a third of a run's CPU.
 *
 * The cache key is every option of the call except those Node reads per connection (where to connect,
 * the socket, callbacks): a fault that changes a context's configuration (another certificate, a TLS 1.0
 * floor, other trust anchors or CRLs) asks for another key, so it never gets a context made for a clean
 * role, nor a clean role one made under a fault. A call with an option the key cannot describe (a
 * KeyObject, any class instance) gets a context of its own, as without the cache.
 *
 * Sharing is safe because nothing here changes a context after it is made: verification settings,
 * PSK callbacks, SNI and keylog are per connection in Node. A shared server context shares its ticket key:
 * a client that resumes (the EVVM Client in the PRAC-02 corpus) resumes with any listener of the same
 * identity, and only with one (another certificate or key is another context, with another ticket key).
 */
import { createHash, type Hash } from 'node:crypto';
import tls from 'node:tls';

/** Options of `tls.connect` / `tls.createServer` that never reach the context: they differ per connection. */
const PER_CONNECTION = new Set(['host', 'port', 'path', 'servername', 'socket', 'session', 'signal', 'localAddress', 'localPort', 'family', 'timeout', 'secureContext']);
/** Contexts kept: more than a run's distinct configurations, few enough to bound the memory they hold. */
const MAX_CONTEXTS = 256;

const contexts = new Map<string, tls.SecureContext>();
let original: typeof tls.createSecureContext | undefined;

/** Feeds a value into the hash; false when it holds something the key cannot describe. */
function describe(hash: Hash, value: unknown): boolean {
  if (value === undefined || value === null || typeof value === 'boolean' || typeof value === 'number' || typeof value === 'bigint') {
    hash.update(`${typeof value}:${String(value)};`);
    return true;
  }
  if (typeof value === 'string') {
    hash.update(`s${value.length}:`).update(value);
    return true;
  }
  if (value instanceof Uint8Array) {
    hash.update(`b${value.length}:`).update(value);
    return true;
  }
  if (Array.isArray(value)) {
    hash.update(`a${value.length}[`);
    for (const v of value) if (!describe(hash, v)) return false;
    hash.update(']');
    return true;
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) return describeOptions(hash, value as Record<string, unknown>, false);
  return false;
}

/** Every own property in a fixed order; functions are callbacks, never context settings. */
function describeOptions(hash: Hash, options: Record<string, unknown>, topLevel: boolean): boolean {
  hash.update('{');
  for (const name of Object.keys(options).sort()) {
    const value = options[name];
    if (typeof value === 'function' || (topLevel && PER_CONNECTION.has(name))) continue;
    hash.update(`${name}=`);
    if (!describe(hash, value)) return false;
  }
  hash.update('}');
  return true;
}

/** The cache key of a call's options, or undefined when the call must get a context of its own. */
export function contextKey(options: tls.SecureContextOptions | undefined): string | undefined {
  const hash = createHash('sha256');
  return describeOptions(hash, (options ?? {}) as Record<string, unknown>, true) ? hash.digest('base64') : undefined;
}

function cachedSecureContext(options?: tls.SecureContextOptions): tls.SecureContext {
  const make = original!;
  // tls.connect asks for a single-use context, which Node 24 releases when that socket closes: a shared one
  // must not be single-use, or the next connection given it finds it released (ERR_TLS_INVALID_CONTEXT)
  const { singleUse, ...shared } = (options ?? {}) as tls.SecureContextOptions & { singleUse?: boolean };
  const key = contextKey(shared);
  if (key === undefined) return make(options);
  const hit = contexts.get(key);
  if (hit) {
    // most recently used last: the oldest goes first when the cache is full
    contexts.delete(key);
    contexts.set(key, hit);
    return hit;
  }
  const made = make(shared); // a bad key or certificate throws here, every time: errors are not cached
  contexts.set(key, made);
  if (contexts.size > MAX_CONTEXTS) contexts.delete(contexts.keys().next().value!);
  return made;
}

/**
 * From now on this process makes one secure context per configuration: `tls.createSecureContext` is
 * what Node's `tls.connect`, `tls.Server` and smtp-server call, so every TLS endpoint of the simulators,
 * the test equipment and the protocol libraries shares the cache. Idempotent.
 */
export function shareSecureContexts(): void {
  if (original) return;
  original = tls.createSecureContext;
  tls.createSecureContext = cachedSecureContext;
}
