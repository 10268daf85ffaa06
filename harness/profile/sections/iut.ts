/**
 * The implementation under test (IUT): a vendor's own implementation playing one role, named by the
 * profile's `iut:` section (the IXIT); every other role stays the harness's. One variant per kind of role,
 * discriminated by `iut.role`, each in harness/profile/sections/iut/<kind>.ts with its schema and its
 * resolver (and a line in iut/declared.ts: how reports name it). `loadIut` reads the files and environment
 * variables the section names, with one clear line per problem; passwords and keys are registered as
 * secrets as they are read.
 */
import path from 'node:path';
import { z } from 'zod';
import type { Profile } from '../profile';
import { IutProblem, IutReader } from './iut/common';
import { EvvmClientIutSchema, resolveEvvmClient, type EvvmClientIut } from './iut/evvm-client';
import { ForwardingGatewayIutSchema, resolveForwardingGateway, type ForwardingGatewayIut } from './iut/forwarding-gateway';
import { EvvmServerPeerIutSchema, resolveEvvmServerPeer, type EvvmServerPeerIut } from './iut/evvm-server-peer';
import { EvvmServerInterworkingIutSchema, resolveEvvmServerInterworking, type EvvmServerInterworkingIut } from './iut/evvm-server-interworking';
import { NonOmaVmIutSchema, resolveNonOmaVm, type NonOmaVmIut } from './iut/non-oma-vm';
import { ImapServerIutSchema, imapServerSecrets, resolveImapServer, type ImapServerIut } from './iut/imap-server';
import { SmscIutSchema, resolveSmsc, smscSecrets, type SmscIut } from './iut/smsc';
import { EvvmServerSmsIutSchema, resolveEvvmServerSms, type EvvmServerSmsIut } from './iut/evvm-server-sms';

export type { Pem } from './iut/common';
export type { IutAccount, ImapServerIut } from './iut/imap-server';
export type { EvvmClientIut } from './iut/evvm-client';
export type { ForwardingGatewayIut } from './iut/forwarding-gateway';
export type { NonOmaVmIut } from './iut/non-oma-vm';
export type { EvvmServerPeerIut } from './iut/evvm-server-peer';
export type { EvvmServerInterworkingIut } from './iut/evvm-server-interworking';
export type { SmscIut } from './iut/smsc';
export type { EvvmServerSmsIut } from './iut/evvm-server-sms';

export const IutSchema = z.discriminatedUnion('role', [ImapServerIutSchema, EvvmClientIutSchema, ForwardingGatewayIutSchema, NonOmaVmIutSchema, EvvmServerPeerIutSchema, EvvmServerInterworkingIutSchema, SmscIutSchema, EvvmServerSmsIutSchema]);
export type IutSection = z.infer<typeof IutSchema>;

/** The IUT section with every file read and every secret resolved: one variant per kind of role. */
export type Iut = ImapServerIut | EvvmClientIut | ForwardingGatewayIut | NonOmaVmIut | EvvmServerPeerIut | EvvmServerInterworkingIut | SmscIut | EvvmServerSmsIut;
/** The role a vendor's implementation plays (the profile's iut.role). */
export type IutRole = Iut['role'];
/** The resolved section of an IUT in a given role. */
export type IutOf<R extends IutRole> = PlayedBy<Iut, R>;
type PlayedBy<I, R> = I extends { role: infer X } ? (R extends X ? I : never) : never;

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
    const iut = resolve(profile, section, new IutReader(path.dirname(key)));
    cache.set(key, iut);
    return iut;
  } catch (err) {
    if (!(err instanceof IutProblem)) throw err;
    // required lazily: profile.ts imports this file, and ProfileError lives there
    const { ProfileError } = require('../profile') as typeof import('../profile');
    throw new ProfileError(`${key}: ${err.message}`);
  }
}

function resolve(profile: Profile, s: IutSection, read: IutReader): Iut {
  switch (s.role) {
    case 'evvm-client':
      return resolveEvvmClient(s, read);
    case 'forwarding-gateway':
      return resolveForwardingGateway(s, read);
    case 'non-oma-vm':
      return resolveNonOmaVm(s, read);
    case 'evvm-server-peer':
      return resolveEvvmServerPeer(s, read);
    case 'evvm-server-interworking':
      return resolveEvvmServerInterworking(s, read);
    case 'smsc':
      return resolveSmsc(s, read);
    case 'evvm-server-sms':
      return resolveEvvmServerSms(s, read);
    default:
      return resolveImapServer(profile, s, read);
  }
}

/** The IUT's secrets (passwords, keys), which no transcript may show. */
export function iutSecrets(iut: Iut): Array<string | Buffer | undefined> {
  switch (iut.role) {
    case 'evvm-client':
      return [...iut.accounts.map((a) => a.password), iut.trigger.kind === 'sms' ? iut.trigger.bind.password : undefined];
    case 'forwarding-gateway':
    case 'non-oma-vm':
    case 'evvm-server-peer':
      return [iut.clientCertificate?.keyPem, ...Object.values(iut.badClientCertificates).map((c) => c.keyPem)];
    case 'evvm-server-interworking':
      return [iut.clientCertificate?.keyPem, ...Object.values(iut.badClientCertificates).map((c) => c.keyPem), ...Object.values(iut.links).flatMap((l) => [l.clientCertificate.keyPem, ...Object.values(l.badClientCertificates).map((c) => c.keyPem)])];
    case 'smsc':
      return smscSecrets(iut);
    case 'evvm-server-sms':
      return [iut.bind.password, ...iut.subscribers.map((a) => a.password)];
    default:
      return imapServerSecrets(iut);
  }
}
