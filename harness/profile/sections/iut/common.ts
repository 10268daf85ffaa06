/**
 * What every role's `iut:` variant shares (harness/profile/sections/iut/<role>.ts): the field types, and
 * the reader that resolves files relative to the profile's folder and secrets from the environment, with
 * one clear line per problem. Secrets are registered as they are read, so no output can carry them.
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import { registerSecret } from '../../../../evidence/secrets';
import { INPUT_LIMITS, InputFileError, readInputFile } from '../../../input';

export const Port = z.number().int().min(1).max(65535);
export const EnvName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'must be an environment variable name' });
export const FilePair = z.object({ cert: z.string().min(1), key: z.string().min(1) }).strict();

/** A secret given inline (demo only) or, better, by the name of an environment variable. */
export function secretPair<K extends string>(field: K) {
  return { [field]: z.string().min(1).optional(), [`${field}Env`]: EnvName.optional() } as Record<K | `${K}Env`, z.ZodOptional<z.ZodString>>;
}

export interface Pem {
  chainPem: string;
  keyPem: string;
}

/** A problem with the section's files or environment; loadIut turns it into a ProfileError naming the profile. */
export class IutProblem extends Error {}

/** Reads what a section names: files relative to `dir`, secrets from the environment; problems name the field. */
export function iutInputs(dir: string) {
  const read = (field: string, file: string): string => {
    try {
      return readInputFile(path.resolve(dir, file), INPUT_LIMITS.pem);
    } catch (e) {
      if (e instanceof InputFileError) throw new IutProblem(`iut.${field}: ${e.message}`);
      throw e;
    }
  };
  const env = (field: string, name: string): string => {
    const v = process.env[name];
    if (v === undefined || v === '') throw new IutProblem(`iut.${field}: environment variable ${name} is not set`);
    return v;
  };
  const secret = (field: string, inline: string | undefined, envName: string | undefined): string | undefined => {
    const v = inline ?? (envName !== undefined ? env(`${field}Env`, envName) : undefined);
    registerSecret(v);
    return v;
  };
  const certificate = (field: string, pair: { cert: string; key: string }): Pem => {
    const chainPem = read(`${field}.cert`, pair.cert);
    const keyPem = read(`${field}.key`, pair.key);
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
  };
  const trustAnchor = (field: string, file: string): string => {
    const pem = read(field, file);
    try {
      new X509Certificate(pem);
    } catch (e) {
      throw new IutProblem(`iut.${field}: not a PEM certificate (${(e as Error).message})`);
    }
    return pem;
  };
  return { read, env, secret, certificate, trustAnchor };
}
export type IutInputs = ReturnType<typeof iutInputs>;
