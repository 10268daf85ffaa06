import type { Retrieval, ServerTarget, ClientAccount } from '../../simulators/evvm-client/evvm-client';
import type { TestAccount } from './accounts';
import type { RoleMap, RoleName } from './registry';

export type Transport = 'implicit-tls' | 'starttls';

/** An IMAP endpoint a client connects to, with the name the server must prove. */
export interface Endpoint {
  host: string;
  port: number;
  servername: string;
}

/** What a server role saw of one connection: enough to judge who authenticated whom. */
export interface ConnectionObservation {
  conn: string;
  secure: boolean;
  clientCertificate?: { authorized: boolean; authorizationError?: string; subject?: string };
  clientBytes: Buffer;
}

/** One authentication attempt as the server saw it (the simulator's record, shared by every role). */
export type { AuthenticationObservation } from '../../simulators/evvm-server/backend';
import type { AuthenticationObservation } from '../../simulators/evvm-server/backend';

export interface ServerObservations {
  connections: ConnectionObservation[];
  authentications: AuthenticationObservation[];
}

/**
 * The EVVM Server, whoever plays it: the embedded simulator, a container, or the vendor's IUT. Steps only
 * talk to this interface, so feature files run unchanged in every topology.
 */
export interface EvvmServerRole {
  readonly actor: string;
  /** the endpoint of a transport, or undefined when the server does not offer it */
  endpoint(transport: Transport): Endpoint | undefined;
  /** What the server observed; a role that cannot be observed (an external IUT) throws InconclusiveError. */
  observations(): Promise<ServerObservations>;
}

/** The EVVM Client, whoever plays it. */
export interface EvvmClientRole {
  readonly actor: string;
  retrieveVoicemail(target: ServerTarget, account: ClientAccount): Promise<Retrieval>;
}

/** An IMAP server the harness controls, that records what clients sent it. */
export interface CapturingServer {
  readonly actor: string;
  endpoint(transport: Transport): Endpoint;
  clientBytes(): Promise<Buffer>;
}

export interface Topology {
  readonly kind: 'embedded' | 'containers' | 'external';
  readonly accounts: readonly TestAccount[];
  account(name: string): TestAccount;
  evvmServer(): Promise<EvvmServerRole>;
  evvmClient(): Promise<EvvmClientRole>;
  /** a server impersonating the EVVM Server with a flawed certificate (adversary) */
  rogueImapServer(flaw: import('../../simulators/crypto/pki/types').CertificateFlaw): Promise<CapturingServer>;
  /** a man in the middle on the EVVM Server's STARTTLS port (adversary) */
  starttlsStripper(stripLoginDisabled: boolean): Promise<CapturingServer>;
  /** client credentials (chain + key) of the test PKI, for test clients */
  clientCredential(kind: 'valid' | 'untrusted-ca' | 'expired' | 'revoked' | 'missing'): { chainPem: string; keyPem: string } | undefined;
  /** a role or role interface added by a later clause (see registry.ts); memoised per scenario */
  role<K extends RoleName>(name: K): Promise<RoleMap[K]>;
  /** the trust anchor the harness's clients use to authenticate servers */
  readonly trustAnchorPem: string;
  stop(): Promise<void>;
}
