import { World, type IWorldOptions, setWorldConstructor } from '@cucumber/cucumber';
import { Transcript } from '../evidence/transcript';
import { Conditions } from '../harness/evidence/checks';
import type { CapturingServer, Topology } from '../harness/topology/roles';
import type { Profile } from '../harness/profile/profile';
import type { IdentifierKind, TestAccount } from '../harness/topology/accounts';
import type { Retrieval } from '../simulators/evvm-client/evvm-client';
import { HarnessError } from '../harness/engine/outcomes';
import type { Condition } from '../harness/conditions/condition';
import type { WorldParameters } from '../harness/engine/scenario';
import type { Advertised } from '../harness/report/model';

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
  /** test equipment the steps opened (closing()) */
  readonly closeAtEnd: Array<{ close(): void }> = [];
  /** what the EVVM Client retrieved last */
  retrieval?: Retrieval;
  /** the adversary the scenario set up (a rogue server, a man in the middle) */
  adversary?: CapturingServer;

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

  account(name: string): TestAccount {
    return this.topology.account(name);
  }

  identifier(kind: IdentifierKind, mailbox: string): string {
    return this.account(mailbox).identifiers[kind];
  }

  /** Test equipment the steps opened, closed when the scenario ends. */
  closing<T extends { close(): void }>(equipment: T): T {
    this.closeAtEnd.push(equipment);
    return equipment;
  }

  /** A line of evidence from the harness itself. */
  note(text: string): void {
    this.transcript.record({ actor: 'Harness', channel: 'note', dir: 'event', text });
  }

  /**
   * With an implementation under test, a declared capability the scenario exercises must be what it offered
   * on the wire (the run's declaration check): one it does not offer fails the scenario with the finding.
   */
  offeredAsDeclared(condition: Condition<[Advertised | undefined, string]>, capability: string): undefined {
    const seen = this.parameters.declaration;
    if (seen) this.verify(condition, seen.find((c) => c.capability === capability), capability);
    return undefined;
  }

  /** Marks the scenario not applicable; the step returns what this returns. */
  notApplicable(reason: string): 'skipped' {
    this.notApplicableReason = reason;
    this.note(`not applicable: ${reason}`);
    return 'skipped';
  }

  /**
   * Runs `step` unless `notApplicable` gives a reason the scenario does not apply (harness/conditions/<clause>/declared.ts,
   * a role's answer); the step returns what this returns.
   */
  async ifApplicable(notApplicable: string | undefined, step?: () => Promise<unknown> | unknown): Promise<'skipped' | undefined> {
    if (notApplicable !== undefined) return this.notApplicable(notApplicable);
    await step?.();
    return undefined;
  }
}

setWorldConstructor(EvvmWorld);
