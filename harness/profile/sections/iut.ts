/**
 * The implementation under test (IUT): a vendor's own IMAP server playing one role (the Message Storage
 * Server or the EVVM Server), named by address, trust material and test accounts (the IXIT). Every other
 * role stays embedded. `loadIut` reads the files and environment variables the section names, with one
 * clear line per problem; passwords and keys are registered as secrets as they are read.
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import { registerSecret } from '../../../evidence/secrets';
import { INPUT_LIMITS, InputFileError, readInputFile } from '../../input';
import type { Profile } from '../profile';

const Port = z.number().int().min(1).max(65535);
const EnvName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'must be an environment variable name' });
const FilePair = z.object({ cert: z.string().min(1), key: z.string().min(1) }).strict();

/** A secret given inline (demo only) or, better, by the name of an environment variable. */
function secretPair<K extends string>(field: K) {
  return { [field]: z.string().min(1).optional(), [`${field}Env`]: EnvName.optional() } as Record<K | `${K}Env`, z.ZodOptional<z.ZodString>>;
}

const AccountSchema = z
  .object({
    /** the name the feature files use: alice, bob, carol, dave, erin */
    name: z.string().min(1),
    /** the IMAP username (Message Storage); defaults to the e-mail alias identifier */
    username: z.string().min(1).optional(),
    /** the mailbox identifiers (EVVM Server IUT) */
    identifiers: z.object({ MSISDN: z.string().min(1), 'SIP URI': z.string().min(1), 'e-mail alias': z.string().min(1) }).strict().optional(),
    ...secretPair('password'),
    blocked: z.boolean().default(false),
    /** the user's voicemail TUI PIN, which must not open the Message Storage (CPM-MS-AUTH-03) */
    ...secretPair('tuiPin'),
    /** the user's SIP identity and password, which must not open the Message Storage (CPM-MS-AUTH-03) */
    sipUri: z.string().min(1).optional(),
    ...secretPair('sipPassword'),
    /** the account was created by subscribing the user, and this is the pre-configured password it got (CPM-MS-AUTH-04) */
    preconfigured: z.boolean().default(false),
    /** Message-ID of a message the vendor stored in this account's INBOX and no other: proves whose mailbox a login opened */
    messageId: z.string().regex(/^<[^<>\s]+>$/, { error: 'must look like <id@host>' }).optional(),
  })
  .strict()
  .superRefine((a, ctx) => {
    const one = (f: string): void => {
      const r = a as Record<string, unknown>;
      if (r[f] !== undefined && r[`${f}Env`] !== undefined) ctx.addIssue({ code: 'custom', path: [f], message: `give ${f} or ${f}Env, not both` });
    };
    one('password');
    one('tuiPin');
    one('sipPassword');
    if (a.password === undefined && a.passwordEnv === undefined) ctx.addIssue({ code: 'custom', path: ['passwordEnv'], message: 'required: the account password (passwordEnv names an environment variable; password inline is for demos)' });
    if ((a.sipPassword !== undefined || a.sipPasswordEnv !== undefined) && a.sipUri === undefined) ctx.addIssue({ code: 'custom', path: ['sipUri'], message: 'required with sipPassword' });
    if (a.username === undefined && a.identifiers === undefined) ctx.addIssue({ code: 'custom', path: ['username'], message: 'required: the IMAP username (or identifiers for an EVVM Server)' });
  });

export const IutSchema = z
  .object({
    /** which role the IUT plays */
    role: z.enum(['message-storage', 'evvm-server']),
    host: z.string().min(1),
    /** the name the server certificate must carry (default: host) */
    servername: z.string().min(1).optional(),
    ports: z
      .object({ imaps: Port.optional(), imap: Port.optional(), pskTls: Port.optional() })
      .strict()
      .refine((p) => p.imaps !== undefined || p.imap !== undefined, { error: 'needs imaps (implicit TLS) or imap (STARTTLS)' }),
    /** PEM file with the CA certificate(s) the IUT's server certificate chains to */
    trustAnchor: z.string().min(1),
    /** the client certificate (leaf, then intermediates) and key the harness presents as a legitimate client */
    clientCertificate: FilePair.optional(),
    /** optional extra client certificates the IUT's CA issued with a flaw, for the expired/revoked cases */
    badClientCertificates: z.object({ expired: FilePair.optional(), revoked: FilePair.optional() }).strict().optional(),
    /** a PSK-TLS identity the IUT provisioned, with its key in hex */
    psk: z
      .object({ identity: z.string().min(1), ...secretPair('key') })
      .strict()
      .refine((p) => (p.key === undefined) !== (p.keyEnv === undefined), { error: 'give key or keyEnv (hex), exactly one' })
      .optional(),
    accounts: z.array(AccountSchema).min(1),
    /** per connection and command, in ms */
    timeoutMs: z.number().int().min(100).max(60_000).default(3000),
  })
  .strict();

export type IutSection = z.infer<typeof IutSchema>;

export interface IutAccount {
  name: string;
  username: string;
  identifiers?: { MSISDN: string; 'SIP URI': string; 'e-mail alias': string };
  password: string;
  blocked: boolean;
  tuiPin?: string;
  sip?: { uri: string; password: string };
  preconfigured: boolean;
  messageId?: string;
}

export interface Pem {
  chainPem: string;
  keyPem: string;
}

/** The IUT section with every file read and every secret resolved. */
export interface Iut {
  role: 'message-storage' | 'evvm-server';
  host: string;
  servername: string;
  ports: { imaps?: number; imap?: number; pskTls?: number };
  trustAnchorPem: string;
  clientCertificate?: Pem;
  badClientCertificates: { expired?: Pem; revoked?: Pem };
  psk?: { identity: string; key: Buffer };
  accounts: IutAccount[];
  timeoutMs: number;
}

class IutProblem extends Error {}

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
    const iut = resolve(profile, section, path.dirname(key));
    cache.set(key, iut);
    return iut;
  } catch (err) {
    if (!(err instanceof IutProblem)) throw err;
    // required lazily: profile.ts imports this file, and ProfileError lives there
    const { ProfileError } = require('../profile') as typeof import('../profile');
    throw new ProfileError(`${key}: ${err.message}`);
  }
}

function resolve(profile: Profile, s: IutSection, dir: string): Iut {
  const read = (field: string, file: string): string => {
    const p = path.resolve(dir, file);
    try {
      return readInputFile(p, INPUT_LIMITS.pem);
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

  const trustAnchorPem = read('trustAnchor', s.trustAnchor);
  try {
    new X509Certificate(trustAnchorPem);
  } catch (e) {
    throw new IutProblem(`iut.trustAnchor: not a PEM certificate (${(e as Error).message})`);
  }

  // The declared transports need their ports.
  const transports = s.role === 'message-storage' ? profile.capabilities.messageStorage.transports : profile.capabilities.evvmServer.transports;
  if (transports.includes('implicit-tls') && s.ports.imaps === undefined) throw new IutProblem(`iut.ports.imaps: required, the ${s.role} declares implicit-tls (capabilities)`);
  if (transports.includes('starttls') && s.ports.imap === undefined) throw new IutProblem(`iut.ports.imap: required, the ${s.role} declares starttls (capabilities)`);

  let psk: Iut['psk'];
  if (s.psk) {
    const hex = secret('psk.key', s.psk.key, s.psk.keyEnv)!;
    if (!/^([0-9a-fA-F]{2}){16,64}$/.test(hex)) throw new IutProblem('iut.psk.key: must be 16 to 64 bytes in hex');
    psk = { identity: s.psk.identity, key: Buffer.from(hex, 'hex') };
    registerSecret(psk.key);
  }

  const names = new Set<string>();
  const accounts = s.accounts.map((a, i): IutAccount => {
    const at = `accounts[${i}]`;
    if (names.has(a.name)) throw new IutProblem(`iut.${at}.name: "${a.name}" given twice`);
    names.add(a.name);
    if (s.role === 'evvm-server' && !a.identifiers) throw new IutProblem(`iut.${at}.identifiers: required when the IUT is an EVVM Server (MSISDN, SIP URI, e-mail alias)`);
    const password = secret(`${at}.password`, a.password, a.passwordEnv)!;
    const tuiPin = secret(`${at}.tuiPin`, a.tuiPin, a.tuiPinEnv);
    const sipPassword = secret(`${at}.sipPassword`, a.sipPassword, a.sipPasswordEnv);
    return {
      name: a.name,
      username: a.username ?? a.identifiers!['e-mail alias'],
      ...(a.identifiers ? { identifiers: a.identifiers } : {}),
      password,
      blocked: a.blocked,
      ...(tuiPin !== undefined ? { tuiPin } : {}),
      ...(a.sipUri !== undefined && sipPassword !== undefined ? { sip: { uri: a.sipUri, password: sipPassword } } : {}),
      preconfigured: a.preconfigured,
      ...(a.messageId ? { messageId: a.messageId } : {}),
    };
  });

  return {
    role: s.role,
    host: s.host,
    servername: s.servername ?? s.host,
    ports: { ...s.ports, ...(s.ports.pskTls === undefined && s.ports.imaps !== undefined ? { pskTls: s.ports.imaps } : {}) },
    trustAnchorPem,
    ...(s.clientCertificate ? { clientCertificate: certificate('clientCertificate', s.clientCertificate) } : {}),
    badClientCertificates: {
      ...(s.badClientCertificates?.expired ? { expired: certificate('badClientCertificates.expired', s.badClientCertificates.expired) } : {}),
      ...(s.badClientCertificates?.revoked ? { revoked: certificate('badClientCertificates.revoked', s.badClientCertificates.revoked) } : {}),
    },
    ...(psk ? { psk } : {}),
    accounts,
    timeoutMs: s.timeoutMs,
  };
}
