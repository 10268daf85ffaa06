/**
 * What every `iut:` variant shares (harness/profile/sections/iut/<role>.ts): ports, environment-variable
 * secrets, certificate pairs, and the resolver's reading of files and environment, one clear line per
 * problem. Passwords and keys are registered as secrets as they are read.
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import { registerSecret } from '../../../../evidence/secrets';
import { INPUT_LIMITS, InputFileError, readInputFile } from '../../../input';

export const Port = z.number().int().min(1).max(65535);
export const EnvName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'must be an environment variable name' });
export const FilePair = z.object({ cert: z.string().min(1), key: z.string().min(1) }).strict();
/** per connection and command, in ms */
export const TimeoutMs = z.number().int().min(100).max(60_000).default(3000);

/** A secret given inline (demo only) or, better, by the name of an environment variable. */
export function secretPair<K extends string>(field: K) {
  return { [field]: z.string().min(1).optional(), [`${field}Env`]: EnvName.optional() } as Record<K | `${K}Env`, z.ZodOptional<z.ZodString>>;
}

export interface Pem {
  chainPem: string;
  keyPem: string;
}

/** A problem with the section, reported as ProfileError naming the file and the field. */
export class IutProblem extends Error {}

/** Reads what a section names: files relative to the profile's folder, secrets from the environment. */
export class IutReader {
  constructor(private readonly dir: string) {}

  file(field: string, file: string): string {
    try {
      return readInputFile(path.resolve(this.dir, file), INPUT_LIMITS.pem);
    } catch (e) {
      if (e instanceof InputFileError) throw new IutProblem(`iut.${field}: ${e.message}`);
      throw e;
    }
  }

  /** A path the profile names, relative to its folder. */
  path(file: string): string {
    return path.resolve(this.dir, file);
  }

  /** An inline value or an environment variable's, registered as a secret. */
  secret(field: string, inline: string | undefined, envName: string | undefined): string | undefined {
    let v = inline;
    if (v === undefined && envName !== undefined) {
      v = process.env[envName];
      if (v === undefined || v === '') throw new IutProblem(`iut.${field}Env: environment variable ${envName} is not set`);
    }
    registerSecret(v);
    return v;
  }

  /** A certificate chain and its key: both PEM, and matching. */
  certificate(field: string, pair: { cert: string; key: string }): Pem {
    const chainPem = this.file(`${field}.cert`, pair.cert);
    const keyPem = this.file(`${field}.key`, pair.key);
    registerSecret(keyPem);
    let leaf: X509Certificate;
    try {
      leaf = new X509Certificate(chainPem);
    } catch (e) {
      throw new IutProblem(`iut.${field}.cert: not a PEM certificate (${(e as Error).message})`);
    }
    try {
      if (!leaf.checkPrivateKey(createPrivateKey(keyPem))) throw new IutProblem(`iut.${field}.key: does not match the certificate ${pair.cert}`);
    } catch (e) {
      if (e instanceof IutProblem) throw e;
      throw new IutProblem(`iut.${field}.key: not a PEM private key (${(e as Error).message})`);
    }
    return { chainPem, keyPem };
  }

  /** The PEM CA certificate(s) the IUT's own certificate chains to. */
  trustAnchor(file: string): string {
    const pem = this.file('trustAnchor', file);
    try {
      new X509Certificate(pem);
    } catch (e) {
      throw new IutProblem(`iut.trustAnchor: not a PEM certificate (${(e as Error).message})`);
    }
    return pem;
  }
}
