/**
 * The implementation under test (IUT): a vendor's implementation playing one role, named in the profile's
 * `iut:` section; every other role stays the harness's. One variant per kind of role, discriminated by
 * `iut.role`, each in harness/profile/sections/iut/<kind>.ts with its schema and its resolver (and a
 * line in iut/declared.ts: how reports name it). `loadIut` reads the files and environment variables the section names, with one
 * clear line per problem; passwords and keys are registered as secrets as they are read.
 */
import path from 'node:path';
import { z } from 'zod';
import type { Profile } from '../profile';
import { iutInputs, IutProblem } from './iut/common';
import { ImapServerIutSchema, resolveImapServer, type ImapServerIut } from './iut/imap-server';
import { EvvmClientIutSchema, resolveEvvmClient, type EvvmClientIut } from './iut/evvm-client';

export type { Pem } from './iut/common';
export type { ImapServerIut, IutAccount } from './iut/imap-server';
export type { EvvmClientIut } from './iut/evvm-client';

export const IutSchema = z.discriminatedUnion('role', [ImapServerIutSchema, EvvmClientIutSchema]);
export type IutSection = z.infer<typeof IutSchema>;

/** The IUT section with every file read and every secret resolved: one variant per kind of role. */
export type Iut = ImapServerIut | EvvmClientIut;
export type IutRole = Iut['role'];

/** Resolves the section by its variant (what reports declare of each: iut/declared.ts). */
function resolveSection(profile: Profile, s: IutSection, dir: string): Iut {
  if (s.role === 'evvm-client') return resolveEvvmClient(s, iutInputs(dir));
  return resolveImapServer(profile, s, iutInputs(dir));
}

/** The IMAP server under test, for the IMAP server roles' code (harness/topology/external/…): any other IUT there is a harness bug. */
export function imapServerIut(iut: Iut): ImapServerIut {
  if (iut.role !== 'message-storage' && iut.role !== 'evvm-server') throw new Error(`the ${String((iut as { role: string }).role)} under test is not an IMAP server`);
  return iut;
}

const cache = new Map<string, Iut>();

/**
 * Resolves the profile's `iut:` section: files relative to the profile's folder, secrets from the
 * environment. Throws ProfileError naming the file and the field.
 */
export function loadIut(profile: Profile, profileFile: string): Iut {
  const key = path.resolve(profileFile);
  const cached = cache.get(key);
  if (cached) return cached;
  const section = profile.iut;
  if (!section) throw new Error('the profile has no iut section');
  try {
    const iut = resolveSection(profile, section, path.dirname(key));
    cache.set(key, iut);
    return iut;
  } catch (err) {
    if (!(err instanceof IutProblem)) throw err;
    // required lazily: profile.ts imports this file, and ProfileError lives there
    const { ProfileError } = require('../profile') as typeof import('../profile');
    throw new ProfileError(`${key}: ${err.message}`);
  }
}
