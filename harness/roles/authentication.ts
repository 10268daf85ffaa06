/**
 * Authentication (EVVM-AUTH-01..04, STD-02, STD-03): the contract of the EVVM Server and the EVVM Client
 * on IMAP, and of the IMAP adversaries (a rogue server with a flawed certificate, a STARTTLS stripper).
 * The steps of features/authentication, and every clause that needs the EVVM Server's IMAP interface or
 * the EVVM Client, talk to these roles only, so the feature files run unchanged whether the embedded
 * simulators, the containers or a vendor's implementation play them. What every topology shares is here:
 * the builders of the simulators (evvmServerConfig, rogueImapServer, evvmClientFor, observationsOf) and
 * the routes by which the container topology drives them.
 */
import { z } from 'zod';
import type { TranscriptSink } from '../../evidence/transcript';
import { CERTIFICATE_FLAWS } from '../../simulators/crypto/pki';
import { clientCaPem } from '../../simulators/crypto/pki/trust';
import type { CertificateFlaw, TestPki } from '../../simulators/crypto/pki/types';
import { EvvmClient, type ClientAccount, type OfferedTargets, type Retrieval, type ServerTarget } from '../../simulators/evvm-client/evvm-client';
import type { AuthenticationObservation } from '../../simulators/evvm-server/backend';
import { EvvmServer } from '../../simulators/evvm-server/evvm-server';
import { HarnessError, InconclusiveError } from '../engine/outcomes';
import type { Pem } from '../profile/sections/iut';
import type { TestAccount } from '../topology/accounts';
import type { Endpoint, Topology, Transport } from '../topology/roles';
import { imapRoleConfig, type ServerConfigArgs } from '../topology/server-config';
import { defineRole, route } from './contract';

declare module './contract' {
  interface RoleMap {
    'evvm-server': EvvmServerRole;
    'evvm-client': EvvmClientRole;
    'imap-adversaries': ImapAdversaries;
  }
}
defineRole('evvm-server');
defineRole('evvm-client');
defineRole('imap-adversaries');

/** The name the EVVM Server proves (its certificate's), wherever it listens. */
export const EVVM_SERVER_NAME = 'evvm-server.op.example';

export type { AuthenticationObservation };

/** What a server role saw of one connection: enough to judge who authenticated whom. */
export interface ConnectionObservation {
  conn: string;
  secure: boolean;
  clientCertificate?: { authorized: boolean; authorizationError?: string; subject?: string };
  clientBytes: Buffer;
}

export interface ServerObservations {
  connections: ConnectionObservation[];
  authentications: AuthenticationObservation[];
}

/** The client certificate a test client presents to the EVVM Server: the EVVM Client's, a flawed twin, or none. */
export type ClientCredentialKind = 'valid' | 'untrusted-ca' | 'expired' | 'revoked' | 'missing';

/** The EVVM Server, whoever plays it: the embedded simulator, a container, or the vendor's IUT. */
export interface EvvmServerRole {
  readonly actor: string;
  /** the endpoint of a transport, or undefined when the server does not offer it */
  endpoint(transport: Transport): Endpoint | undefined;
  /** What the server observed; a role that cannot be observed (an external IUT) throws InconclusiveError. */
  observations(): Promise<ServerObservations>;
  /** the trust anchor that authenticates this server */
  readonly trustAnchorPem: string;
  /** the client certificate of a kind for a test client (undefined: present none) */
  clientCredential(kind: ClientCredentialKind): Pem | undefined;
}

/** The EVVM Client, whoever plays it. */
export interface EvvmClientRole {
  readonly actor: string;
  retrieveVoicemail(target: ServerTarget, account: ClientAccount): Promise<Retrieval>;
  /** its normal use of the voicemail box (reads, marks heard, manages its greeting): what it sent is judged on the server's record (VVM-05, VVM-06) */
  syncVoicemailBox(target: ServerTarget, account: ClientAccount): Promise<Retrieval>;
  /** retrieves over the transport the client picks among those the server offers (STD-04); Retrieval.transport says which */
  retrieveFromOffered(offered: OfferedTargets, account: ClientAccount): Promise<Retrieval>;
}

/** An IMAP server the harness controls, that records what clients sent it. */
export interface CapturingServer {
  readonly actor: string;
  endpoint(transport: Transport): Endpoint;
  clientBytes(): Promise<Buffer>;
}

/** The adversaries on IMAP. */
export interface ImapAdversaries {
  /** a server impersonating the EVVM Server with a flawed certificate */
  rogueImapServer(flaw: CertificateFlaw): Promise<CapturingServer>;
  /** a man in the middle on the EVVM Server's STARTTLS port */
  starttlsStripper(stripLoginDisabled: boolean): Promise<CapturingServer>;
  /** a server with the EVVM Server's name that offers only DIGEST-MD5 and cannot prove it knows the password (a wrong rspauth, VVM-02) */
  unprovenDigestServer(): Promise<CapturingServer>;
}

/** What `simulate`, the embedded topology and the evvm-server container build an EVVM Server from. */
export function evvmServerConfig(args: ServerConfigArgs & { actor?: string }): ConstructorParameters<typeof EvvmServer>[0] {
  const { pki, profile, accounts } = args;
  const leaf = pki.leaf('evvm-server');
  return {
    actor: args.actor ?? 'EVVM Server',
    ...imapRoleConfig(args, 'evvm-server', { policy: profile.policy.evvmServer, capabilities: profile.capabilities.evvmServer }),
    tls: { key: leaf.keyPem, cert: leaf.chainPem, ca: clientCaPem(pki), crl: [...pki.crls] },
    mailboxes: accounts.map((a) => ({
      identifiers: [a.identifiers.MSISDN, a.identifiers['SIP URI'], a.identifiers['e-mail alias']],
      password: a.password,
      state: a.blocked ? ('blocked' as const) : ('active' as const),
      clientCertificates: a.clientCertificate ? [pki.leaf(a.clientCertificate).fingerprint256] : [],
      voicemails: [{ raw: a.voicemail.raw }],
      ...(a.tuiPin !== undefined ? { tuiPin: a.tuiPin } : {}),
    })),
    ...(profile.capabilities.evvmServer.xchangeTuiPwd ? { tuiPasswordLength: profile.capabilities.evvmServer.xchangeTuiPwd } : {}),
  };
}

/** The EVVM Client's certificate and key, or a flawed twin: what test clients present to the simulated EVVM Server. */
export function evvmClientCredential(pki: TestPki, kind: ClientCredentialKind): Pem | undefined {
  if (kind === 'missing') return undefined;
  const c = kind === 'valid' ? pki.leaf('evvm-client') : pki.bad('evvm-client', kind);
  return { chainPem: c.chainPem, keyPem: c.keyPem };
}

/** The simulated EVVM Client, with the EVVM Client's certificate and the run's faults of that role. */
export function evvmClientFor(pki: TestPki, faults: readonly string[], transcript: TranscriptSink): EvvmClient {
  const cert = pki.leaf('evvm-client');
  const certificate = { chainPem: cert.chainPem, keyPem: cert.keyPem };
  return new EvvmClient({ trustAnchorPem: pki.trustAnchorPem, certificate, faults: faults.filter((f) => f.startsWith('evvm-client:')), transcript });
}

/** What the simulated EVVM Server observed, in the role's terms. */
export function observationsOf(server: EvvmServer): ServerObservations {
  const o = server.observations();
  return {
    authentications: o.authentications.map((a) => ({ ...a })),
    connections: o.connections.map((c) => ({
      conn: c.conn,
      secure: c.secure,
      clientBytes: c.clientBytes,
      ...(c.tls?.clientCertificate ? { clientCertificate: c.tls.clientCertificate } : {}),
    })),
  };
}

/** A server impersonating the EVVM Server with a flawed certificate: it accepts anything and records everything, to harvest credentials. */
export function rogueImapServer(pki: TestPki, accounts: readonly TestAccount[], flaw: CertificateFlaw, transcript: TranscriptSink): EvvmServer {
  const bad = pki.bad('evvm-server', flaw);
  return new EvvmServer({
    actor: 'Rogue IMAP Server',
    host: '127.0.0.1',
    listen: { implicitTls: true, starttls: true },
    tls: { key: bad.keyPem, cert: bad.chainPem },
    policy: { requireTls: true, clientCertificate: 'none', saslMechanisms: ['PLAIN', 'LOGIN'], loginCommand: true },
    mailboxes: accounts.map((a) => ({ identifiers: Object.values(a.identifiers), password: a.password, state: 'active' as const, voicemails: [] })),
    faults: ['evvm-server:skip-password-check'],
    transcript,
  });
}

/**
 * A server that holds the EVVM Server's certificate but not the users' passwords, so it cannot compute the
 * DIGEST-MD5 rspauth (VVM-02): simulated as an EVVM Server whose rspauth proves nothing.
 */
export function unprovenDigestServer(pki: TestPki, accounts: readonly TestAccount[], transcript: TranscriptSink): EvvmServer {
  const leaf = pki.leaf('evvm-server');
  return new EvvmServer({
    actor: 'Impostor IMAP Server',
    host: '127.0.0.1',
    listen: { implicitTls: true, starttls: true },
    tls: { key: leaf.keyPem, cert: leaf.chainPem },
    policy: { requireTls: true, clientCertificate: 'none', saslMechanisms: ['DIGEST-MD5'], loginCommand: false },
    mailboxes: accounts.map((a) => ({ identifiers: Object.values(a.identifiers), password: a.password, state: 'active' as const, voicemails: [{ raw: a.voicemail.raw }] })),
    faults: ['evvm-server:unproven-rspauth'],
    transcript,
  });
}

/** The credentials the EVVM Client of a mailbox is configured with: its MSISDN and password. */
export const mailboxCredentials = (account: TestAccount): ClientAccount => ({ username: account.identifiers.MSISDN, password: account.password });

/** The EVVM Client of `account`'s mailbox retrieves its voicemail from wherever it was pointed (a rogue, a man in the middle, a stand-in). */
export async function retrieveFrom(topology: Topology, target: ServerTarget, account: TestAccount): Promise<Retrieval> {
  return (await topology.role('evvm-client')).retrieveVoicemail(target, mailboxCredentials(account));
}

/** The EVVM Server's own records, or undefined when the role cannot show them (an implementation under test). */
export async function serverRecords(server: EvvmServerRole): Promise<ServerObservations | undefined> {
  try {
    return await server.observations();
  } catch (err) {
    if (err instanceof InconclusiveError) return undefined;
    throw err;
  }
}

/** The EVVM Client retrieves voicemail as `account` from the EVVM Server, picking among every transport the server offers (STD-04). */
export async function retrieveFromEvvmServerAsOffered(topology: Topology, account: ClientAccount): Promise<Retrieval> {
  const server = await topology.role('evvm-server');
  const offered: OfferedTargets = {};
  for (const t of ['implicit-tls', 'starttls'] as const) {
    const e = server.endpoint(t);
    if (e) offered[t] = e;
  }
  return (await topology.role('evvm-client')).retrieveFromOffered(offered, account);
}

/** The EVVM Client retrieves voicemail as `account` from the EVVM Server, over a transport the server offers. */
export async function retrieveFromEvvmServer(topology: Topology, transport: Transport, account: ClientAccount): Promise<Retrieval> {
  const endpoint = (await topology.role('evvm-server')).endpoint(transport);
  if (!endpoint) throw new InconclusiveError(`the EVVM Server offers no ${transport} endpoint`);
  return (await topology.role('evvm-client')).retrieveVoicemail({ ...endpoint, transport }, account);
}

/**
 * The EVVM Client syncs its voicemail box as `account` with the EVVM Server; what that server received from
 * it meanwhile (the connections it opened) is what VVM-05/06 judge. A client that opened no session there
 * is inconclusive: nothing it would set or ask was seen.
 */
export async function syncWithEvvmServer(topology: Topology, transport: Transport, account: ClientAccount): Promise<ConnectionObservation[]> {
  const server = await topology.role('evvm-server');
  const records = async (): Promise<ServerObservations> => {
    const seen = await serverRecords(server);
    if (!seen) throw new HarnessError(`the ${server.actor}'s records are needed: the EVVM Client's commands are judged on them`);
    return seen;
  };
  const endpoint = server.endpoint(transport);
  if (!endpoint) throw new InconclusiveError(`the EVVM Server offers no ${transport} endpoint`);
  const before = (await records()).connections.length;
  const retrieval = await (await topology.role('evvm-client')).syncVoicemailBox({ ...endpoint, transport }, account);
  const seen = await records();
  const connections = seen.connections.slice(before);
  const ids = new Set(connections.map((c) => c.conn));
  if (!seen.authentications.some((a) => ids.has(a.conn) && a.outcome === 'success')) {
    throw new InconclusiveError(`the EVVM Client opened no session on the ${server.actor} (${retrieval.error ?? 'it did not log in'}): what it would set or ask there cannot be judged`);
  }
  return connections;
}

// --- the routes by which the container topology drives these roles ---

const Endpoint = z.object({ host: z.string(), port: z.number().int().positive(), servername: z.string() });
const ImapPorts = z.object({ imaps: z.number().int().optional(), imap: z.number().int().optional() });
const Captured = z.object({ id: z.string(), actor: z.string() });
const ClientTarget = Endpoint.extend({ transport: z.enum(['implicit-tls', 'starttls']) });
const ClientAccountSchema = z.object({ username: z.string(), password: z.string(), saslMechanism: z.literal('DIGEST-MD5').optional() });
const nothing = z.object({});
/** A simulator's own record, passed on whole: it is checked for the fields that say what it is. */
const record = <T>(...fields: string[]) => z.custom<T>((v) => typeof v === 'object' && v !== null && fields.every((f) => f in v));

export const AUTHENTICATION_ROUTES = {
  /** the scenario's EVVM Server (other clauses add interfaces to the same instance); its ports as published */
  startServer: route('evvm-server', 'POST /evvm-server/start', nothing, z.object({ actor: z.string(), ports: ImapPorts })),
  /** the EVVM Server's own record of connections and authentications (simulators/evvm-server) */
  observations: route('evvm-server', 'GET /evvm-server/observations', nothing, record<ServerObservations>('connections', 'authentications')),
  /** the EVVM Client retrieves voicemail; its own record of how that went (simulators/evvm-client) */
  retrieve: route(
    'evvm-client',
    'POST /evvm-client/retrieve',
    z.object({ target: ClientTarget, account: ClientAccountSchema }),
    record<Retrieval>('loggedIn', 'voicemails'),
  ),
  /** the EVVM Client syncs its voicemail box (VVM-05, VVM-06); its own record of the retrieval */
  sync: route('evvm-client', 'POST /evvm-client/sync', z.object({ target: ClientTarget, account: ClientAccountSchema }), record<Retrieval>('loggedIn', 'voicemails')),
  /** the EVVM Client retrieves voicemail over the transport it picks among the offered ones (STD-04) */
  retrieveOffered: route(
    'evvm-client',
    'POST /evvm-client/retrieve-offered',
    z.object({ offered: z.object({ 'implicit-tls': Endpoint.optional(), starttls: Endpoint.optional() }), account: ClientAccountSchema }),
    record<Retrieval>('loggedIn', 'voicemails'),
  ),
  rogueImap: route(
    'adversaries',
    'POST /rogue-imap/start',
    z.object({ flaw: z.enum(CERTIFICATE_FLAWS as [CertificateFlaw, ...CertificateFlaw[]]) }),
    Captured.extend({ ports: z.object({ imaps: z.number().int(), imap: z.number().int() }) }),
  ),
  unprovenDigest: route('adversaries', 'POST /unproven-digest-imap/start', nothing, Captured.extend({ ports: z.object({ imaps: z.number().int(), imap: z.number().int() }) })),
  starttlsStripper: route('adversaries', 'POST /starttls-stripper/start', z.object({ upstream: Endpoint, stripLoginDisabled: z.boolean() }), Captured.extend({ port: z.number().int() })),
  /** what an adversary of this scenario (by id) received from clients; the message-storage adversaries answer it too */
  captured: route('adversaries', 'POST /captured', z.object({ id: z.string() }), z.object({ clientBytes: z.instanceof(Buffer) })),
};
