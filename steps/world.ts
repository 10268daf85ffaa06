import { World, type IWorldOptions, setWorldConstructor } from '@cucumber/cucumber';
import { Transcript } from '../evidence/transcript';
import { Conditions } from '../harness/evidence/checks';
import type { Topology } from '../harness/topology/roles';
import type { Profile } from '../harness/profile/profile';
import type { IdentifierKind, TestAccount } from '../harness/topology/accounts';
import type { Retrieval } from '../simulators/evvm-client/evvm-client';
import { TestClient, type LoginAttempt } from '../harness/equipment/test-client';
import type { Endpoint, ServerObservations, Transport } from '../harness/topology/roles';
import { HarnessError, InconclusiveError } from '../harness/engine/outcomes';
import type { Condition } from '../harness/conditions/condition';
import type { CapturingServer } from '../harness/topology/roles';
import type { FleetInfo } from '../harness/topology/containers/names';

/** What the engine hands every scenario (JSON, through cucumber's worldParameters). */
export interface WorldParameters {
  faults: string[];
  profilePath?: string;
  topology: 'embedded' | 'containers';
  /** the run's simulator containers (topology 'containers') */
  fleet?: FleetInfo;
}

/**
 * One scenario's state. Behaviour lives in the roles and simulators; the World only holds what the
 * steps of one scenario share, and the evidence they produce.
 */
export class EvvmWorld extends World<WorldParameters> {
  readonly transcript = new Transcript();
  readonly conditions = new Conditions(this.transcript);
  requirementIds: string[] = [];
  profile!: Profile;
  topology!: Topology;
  /** set when the profile or policy makes the scenario not applicable */
  notApplicableReason?: string;

  testClient?: TestClient;
  login?: LoginAttempt;
  capabilitiesBeforeTls?: string[];
  /** why no TLS session followed a STARTTLS with a pipelined command; undefined when one did */
  injectionDropped?: string;
  retrieval?: Retrieval;
  adversary?: CapturingServer;
  /** a client certificate kind a test client presents, when a step chose one */
  clientCertificate: 'valid' | 'untrusted-ca' | 'expired' | 'revoked' | 'missing' = 'valid';

  constructor(options: IWorldOptions<WorldParameters>) {
    super(options);
  }

  /**
   * Judges a named condition and records it against the scenario's requirements it evidences; a
   * condition that evidences none of them is wired into the wrong scenario (a harness error).
   */
  verify<A extends unknown[]>(condition: Condition<A>, ...args: A): void {
    const mine = condition.requirements.filter((id) => this.requirementIds.includes(id));
    if (!mine.length) throw new HarnessError(`condition ${condition.name} evidences ${condition.requirements.join(', ')}, none of this scenario's ${this.requirementIds.join(', ') || '(no requirement)'}`);
    const { ok, message, evidence } = condition.judge(...args);
    this.conditions.check(mine.join(' '), condition.name, ok, message, evidence);
  }

  /** Checks one condition for every requirement the scenario is tagged with. */
  check(condition: string, ok: boolean, message: string, evidence?: Record<string, unknown>): void {
    this.conditions.check(this.requirementIds.join(' ') || 'untagged', condition, ok, message, evidence);
  }

  account(name: string): TestAccount {
    return this.topology.account(name);
  }

  identifier(kind: IdentifierKind, mailbox: string): string {
    return this.account(mailbox).identifiers[kind];
  }

  /** The EVVM Client retrieves voicemail from the EVVM Server over a transport the server offers. */
  async retrieveFromEvvmServer(transport: Transport, username: string, password: string): Promise<Retrieval> {
    const endpoint = (await this.topology.evvmServer()).endpoint(transport);
    if (!endpoint) throw new InconclusiveError(`the EVVM Server offers no ${transport} endpoint`);
    return (await this.topology.evvmClient()).retrieveVoicemail({ ...endpoint, transport }, { username, password });
  }

  /** The EVVM Client retrieves a mailbox's voicemail from wherever it was pointed (a rogue, a man in the middle). */
  async retrieveFrom(endpoint: Endpoint, transport: Transport, mailbox: string): Promise<Retrieval> {
    const account = this.account(mailbox);
    return (await this.topology.evvmClient()).retrieveVoicemail({ ...endpoint, transport }, { username: account.identifiers.MSISDN, password: account.password });
  }

  /** Opens the harness's test client on the EVVM Server, presenting a client certificate of the given kind. */
  async openTestClient(transport: Transport, certificate: EvvmWorld['clientCertificate']): Promise<TestClient> {
    this.testClient?.close();
    const endpoint = (await this.topology.evvmServer()).endpoint(transport);
    if (!endpoint) throw new InconclusiveError(`the EVVM Server offers no ${transport} endpoint`);
    const cert = this.topology.clientCredential(certificate);
    this.testClient = await TestClient.open({ endpoint, transport, trustAnchorPem: this.topology.trustAnchorPem, transcript: this.transcript, ...(cert ? { certificate: cert } : {}) });
    return this.testClient;
  }

  /** The EVVM Server's own records, or undefined when the role cannot show them (an implementation under test). */
  async serverObservations(): Promise<ServerObservations | undefined> {
    try {
      return await (await this.topology.evvmServer()).observations();
    } catch (err) {
      if (err instanceof InconclusiveError) return undefined;
      throw err;
    }
  }

  /** A line of evidence from the harness itself. */
  note(text: string): void {
    this.transcript.record({ actor: 'Harness', channel: 'note', dir: 'event', text });
  }

  /** Marks the scenario not applicable; the step returns what this returns. */
  notApplicable(reason: string): 'skipped' {
    this.notApplicableReason = reason;
    this.note(`not applicable: ${reason}`);
    return 'skipped';
  }
}

setWorldConstructor(EvvmWorld);
