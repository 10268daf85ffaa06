/**
 * `iut.role: message-storage | evvm-server`: a vendor's own IMAP server playing the Message Storage Server
 * or the EVVM Server, named by address, trust material and test accounts (the IXIT).
 */
import { z } from 'zod';
import { registerSecret } from '../../../../evidence/secrets';
import type { Profile } from '../../profile';
import { FilePair, IutProblem, Port, secretPair, TimeoutMs, type IutReader, type Pem } from './common';

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

export const ImapServerIutSchema = z
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
    timeoutMs: TimeoutMs,
  })
  .strict();

export type ImapServerIutSection = z.infer<typeof ImapServerIutSchema>;

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

/** The IMAP-server section with every file read and every secret resolved. */
export interface ImapServerIut {
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

export function resolveImapServer(profile: Profile, s: ImapServerIutSection, read: IutReader): ImapServerIut {
  const trustAnchorPem = read.trustAnchor(s.trustAnchor);

  // The declared transports need their ports.
  const transports = s.role === 'message-storage' ? profile.capabilities.messageStorage.transports : profile.capabilities.evvmServer.transports;
  if (transports.includes('implicit-tls') && s.ports.imaps === undefined) throw new IutProblem(`iut.ports.imaps: required, the ${s.role} declares implicit-tls (capabilities)`);
  if (transports.includes('starttls') && s.ports.imap === undefined) throw new IutProblem(`iut.ports.imap: required, the ${s.role} declares starttls (capabilities)`);

  let psk: ImapServerIut['psk'];
  if (s.psk) {
    const hex = read.secret('psk.key', s.psk.key, s.psk.keyEnv)!;
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
    const password = read.secret(`${at}.password`, a.password, a.passwordEnv)!;
    const tuiPin = read.secret(`${at}.tuiPin`, a.tuiPin, a.tuiPinEnv);
    const sipPassword = read.secret(`${at}.sipPassword`, a.sipPassword, a.sipPasswordEnv);
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
    ...(s.clientCertificate ? { clientCertificate: read.certificate('clientCertificate', s.clientCertificate) } : {}),
    badClientCertificates: {
      ...(s.badClientCertificates?.expired ? { expired: read.certificate('badClientCertificates.expired', s.badClientCertificates.expired) } : {}),
      ...(s.badClientCertificates?.revoked ? { revoked: read.certificate('badClientCertificates.revoked', s.badClientCertificates.revoked) } : {}),
    },
    ...(psk ? { psk } : {}),
    accounts,
    timeoutMs: s.timeoutMs,
  };
}

/** What the scenario's transcript must never show. */
export function imapServerSecrets(iut: ImapServerIut): Array<string | Buffer | undefined> {
  return [...iut.accounts.flatMap((a) => [a.password, a.tuiPin, a.sip?.password]), iut.psk?.key];
}
