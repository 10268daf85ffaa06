import type { TestAccount } from './accounts';
import type { RoleMap, RoleName } from './registry';
import type { EvvmClientRole, EvvmServerRole } from '../roles/authentication';

// the authentication contract's role types, where the clauses have always found them
export type { CapturingServer, EvvmClientRole, EvvmServerRole, ServerObservations } from '../roles/authentication';

export type Transport = 'implicit-tls' | 'starttls';

/** An IMAP endpoint a client connects to, with the name the server must prove. */
export interface Endpoint {
  host: string;
  port: number;
  servername: string;
}

/**
 * Who plays the roles of one scenario: the embedded simulators, the containers, or a vendor's implementation
 * under test with the harness playing the others. Every role is one of a contract (harness/roles), so steps
 * and feature files run unchanged in every topology.
 */
export interface Topology {
  readonly accounts: readonly TestAccount[];
  account(name: string): TestAccount;
  /** a role some contract defines (harness/roles/<clause>.ts); memoised per scenario */
  role<K extends RoleName>(name: K): Promise<RoleMap[K]>;
  /** shorthand for role('evvm-server') */
  evvmServer(): Promise<EvvmServerRole>;
  /** shorthand for role('evvm-client') */
  evvmClient(): Promise<EvvmClientRole>;
  stop(): Promise<void>;
}
