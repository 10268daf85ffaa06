/**
 * One scenario of features/sms-notification as its steps drive it, in any topology: the four SMS roles
 * (harness/roles/sms.ts), what each device had observed when a step last acted on it (so a Then judges only
 * what happened since), and what the forgers and the test ESME submitted. Every action waits until the SMS
 * path is quiet, never on a timer. It drives and remembers; harness/conditions/sms judges.
 */
import type { ClientVvmState } from '../../simulators/evvm-client/sms/vvm-sms-client';
import type { EvvmServerSmsObservations } from '../../simulators/evvm-server/notifications/sms-interface';
import type { SubscriberView } from '../../simulators/evvm-server/notifications/subscribers';
import type { SmscObservations } from '../../simulators/smsc';
import type { BindOutcome, SubmitOutcome } from '../../simulators/protocol/smpp/esme';
import type { TranscriptSink } from '../../evidence/transcript';
import { HarnessError } from '../engine/outcomes';
import { MALFORMED, forgedSync, redirectingStatus } from '../equipment/forged-notifications';
import type { TestEsme } from '../equipment/test-esme';
import type { Profile } from '../profile/profile';
import type { CapturingServer, Endpoint, Topology } from '../topology/roles';
import { provisionedImap, provisionedServer, type Deposit, type DeviceRecord, type DeviceSince, type MailboxEntry, type SmsDevice } from './sms';

const NOTHING_YET: DeviceRecord = { received: [], notifications: [], syncs: [], state: { provisioned: false, voicemails: [], newCount: 0 } };

/** How a forged SMS travels on the air: to the application port unless it says otherwise. */
export type Bearer = { port?: number; portBits?: 8 | 16 };

/** What the SMSC recorded, and the system_id the EVVM Server binds with. */
export interface SmscRecord {
  observations: SmscObservations;
  serverSystemId: string;
}

/** What the EVVM Server's SMS interface recorded, and how many notifications it had submitted at the deactivation. */
export interface ServerSinceDeactivation {
  observations: EvvmServerSmsObservations;
  from: number;
}

export class SmsScenario {
  private readonly marks = new Map<string, DeviceRecord>();
  private deactivation?: { device: DeviceRecord; serverNotifications: number };
  private strangers = 0;
  private testEsme?: TestEsme;
  /** the last voicemail deposited */
  deposit?: Deposit;
  /** the SMSC's answer to the last submit_sm of a forger or the test ESME, and to the test ESME's bind */
  submit?: SubmitOutcome;
  bind?: BindOutcome;
  /** the text the spoofer or the test ESME submitted, to find (or not) on the handset */
  sent?: string;

  /** `w`: the scenario's World, whose adversary (the rogue IMAP server) a redirecting STATUS points at */
  constructor(private readonly w: { topology: Topology; profile: Profile; transcript: TranscriptSink; adversary?: CapturingServer }) {}

  get policy(): Profile['policy']['sms'] {
    return this.w.profile.policy.sms;
  }

  /** Why a scenario on the application port does not apply, if it does not. */
  withoutApplicationPort(): string | undefined {
    if (this.policy.applicationPort === 0) return 'policy.sms.applicationPort is 0: notifications are legacy text SMS';
    if (!this.w.profile.capabilities.sms.portAddressing) return 'the EVVM Server does not declare application port addressing';
    return undefined;
  }

  /** Why a scenario with this MO command does not apply, if it does not. */
  withoutMoCommand(command: 'Activate' | 'Deactivate' | 'STATUS'): string | undefined {
    return this.w.profile.capabilities.sms.moCommands.includes(command) ? undefined : `the EVVM Server does not declare the MO command ${command}`;
  }

  msisdn(mailbox: string): string {
    return this.w.topology.account(mailbox).identifiers.MSISDN;
  }

  async device(name: string): Promise<SmsDevice> {
    return (await this.w.topology.role('evvm-client-sms')).device(name);
  }

  async observed(name: string): Promise<DeviceRecord> {
    return (await this.device(name)).observe();
  }

  /** What a device observed since a step last acted on it. */
  async since(name: string): Promise<DeviceSince> {
    return { before: this.marks.get(name) ?? NOTHING_YET, now: await this.observed(name) };
  }

  async sinceDeactivation(name: string): Promise<DeviceSince> {
    return { before: this.deactivation?.device ?? NOTHING_YET, now: await this.observed(name) };
  }

  async serverSinceDeactivation(): Promise<ServerSinceDeactivation> {
    return { observations: await (await this.w.topology.role('evvm-server-sms')).observations(), from: this.deactivation?.serverNotifications ?? 0 };
  }

  async subscriber(mailbox: string): Promise<SubscriberView | undefined> {
    return (await this.w.topology.role('evvm-server-sms')).subscriber(this.msisdn(mailbox));
  }

  /** What the mailbox holds on the EVVM Server. */
  async serverMailbox(mailbox: string): Promise<MailboxEntry[]> {
    return (await this.w.topology.role('evvm-server-sms')).mailbox(this.msisdn(mailbox));
  }

  async smscRecord(): Promise<SmscRecord> {
    const smsc = await this.w.topology.role('smsc');
    return { observations: await smsc.observations(), serverSystemId: smsc.evvmServerSystemId };
  }

  /** The rogue IMAP server's implicit TLS port, where a redirecting STATUS points. */
  roguePort(): number {
    if (!this.w.adversary) throw new HarnessError('no rogue IMAP server was started in this scenario');
    return this.w.adversary.endpoint('implicit-tls').port;
  }

  /** The EVVM Server's IMAP endpoint a STATUS names and devices are provisioned with. */
  async genuineImap(): Promise<Endpoint | undefined> {
    const server = await this.w.topology.evvmServer();
    return provisionedImap((t) => server.endpoint(t))?.endpoint;
  }

  private async mark(name: string): Promise<SmsDevice> {
    const d = await this.device(name);
    this.marks.set(name, await d.observe());
    return d;
  }

  /** Marks what `name`'s device has observed, does `step`, and waits until the SMS path is quiet. */
  async act<T>(name: string, step: (d: SmsDevice) => Promise<T>): Promise<T> {
    const result = await step(await this.mark(name));
    await (await this.w.topology.role('smsc')).settled();
    return result;
  }

  /** The SMSC serves the EVVM Server and these handsets. */
  async serve(names: readonly string[]): Promise<void> {
    await this.w.topology.role('evvm-server-sms');
    for (const name of names) await this.mark(name);
  }

  /** A handset whose number has no mailbox: a number of the test network, or one ending in the same seven digits as `lookalikeOf`'s. */
  async stranger(name: string, lookalikeOf?: string): Promise<void> {
    const number = lookalikeOf ? `tel:+44700${this.msisdn(lookalikeOf).replace(/[^0-9]/g, '').slice(-7)}` : `tel:+155509${90 + ++this.strangers}`;
    await (await this.w.topology.role('evvm-client-sms')).stranger(name, number);
    await this.mark(name);
  }

  /** The EVVM Client activates the service; what it holds then. */
  async activate(name: string): Promise<ClientVvmState> {
    await this.mo(name, 'Activate');
    await this.mark(name);
    return this.marks.get(name)!.state;
  }

  /** The EVVM Client deactivates the service; how the EVVM Server then sees the subscriber. */
  async deactivate(name: string): Promise<SubscriberView | undefined> {
    await this.mo(name, 'Deactivate');
    return this.subscriber(name);
  }

  /** The handset sends an MO command; after Deactivate, SYNC are judged from this point (sinceDeactivation). */
  async mo(name: string, command: 'Activate' | 'Deactivate' | 'STATUS'): Promise<void> {
    const serverNotifications = command === 'Deactivate' ? (await (await this.w.topology.role('evvm-server-sms')).observations()).notifications.length : 0;
    await this.act(name, (d) => {
      if (command === 'Activate') return d.activate();
      if (command === 'STATUS') return d.requestStatus();
      this.deactivation = { device: this.marks.get(name)!, serverNotifications };
      return d.deactivate();
    });
  }

  async depositVoicemail(mailbox: string): Promise<void> {
    const server = await this.w.topology.role('evvm-server-sms');
    this.deposit = await this.act(mailbox, () => server.depositVoicemail(this.w.topology.account(mailbox)));
  }

  async signalUpdate(kind: 'mailbox' | 'greetings', mailbox: string): Promise<void> {
    const server = await this.w.topology.role('evvm-server-sms');
    await this.act(mailbox, () => (kind === 'mailbox' ? server.mailboxUpdated(this.msisdn(mailbox)) : server.greetingsUpdated(this.msisdn(mailbox))));
  }

  /** A well-formed SYNC for a new voicemail that was never deposited, under the operator's prefix. */
  forgedSync(): string {
    return forgedSync(this.policy.clientPrefix);
  }

  /** A STATUS pointing the EVVM Client at the rogue server by `srv` (the EVVM Server's own name unless given), with an attacker's account. */
  async redirectingStatus(mailbox: string, srv?: string): Promise<string> {
    srv ??= provisionedServer(await this.w.topology.evvmServer()).servername;
    return redirectingStatus({ prefix: this.policy.clientPrefix, srv, ipt: this.roguePort(), username: this.msisdn(mailbox), transcript: this.w.transcript });
  }

  /** A notification with a defect the EVVM-SMS-C04 scenarios name, well-formed but for it. */
  async malformed(defect: string, mailbox: string): Promise<string> {
    const imap = await this.genuineImap();
    if (!imap) throw new HarnessError('the EVVM Server offers no IMAP endpoint a STATUS could name');
    return MALFORMED[defect]!({ prefix: this.policy.clientPrefix, srv: imap.servername, ipt: imap.port, msisdn: this.msisdn(mailbox) });
  }

  /** The SMS spoofer submits `text` to the mailbox's number through the SMSC, from its own number or claiming the EVVM Server's. */
  async spoof(mailbox: string, text: string, claimingServer = false): Promise<void> {
    const spoofer = await this.w.topology.role('sms-spoofer');
    this.sent = text;
    const claimedOriginator = claimingServer ? this.policy.shortCode : undefined;
    this.submit = await this.act(mailbox, () => spoofer.viaSmsc({ to: this.msisdn(mailbox), text, claimedOriginator, port: this.policy.applicationPort || undefined }));
  }

  /** Another handset sends `text` to the mailbox's number, as the EVVM Server would send a notification. */
  async fromHandset(sender: string, mailbox: string, text: string): Promise<void> {
    const from = await this.device(sender);
    this.submit = await this.act(mailbox, () => from.send(this.msisdn(mailbox), text, { port: this.policy.applicationPort || undefined }));
  }

  /** A fake base station puts `text` on the radio of the mailbox's handset, claiming the EVVM Server's number. */
  async onAir(mailbox: string, text: string, bearer: Bearer = { port: this.policy.applicationPort || undefined }): Promise<void> {
    const spoofer = await this.w.topology.role('sms-spoofer');
    await this.act(mailbox, (d) => spoofer.overTheAir(d, { originator: this.policy.shortCode, text, ...bearer }));
  }

  /** A test ESME, opened for this bind, binds as `systemId` (the EVVM Server's unless given) with a wrong password. */
  async bindTestEsme(systemId?: string): Promise<void> {
    const smsc = await this.w.topology.role('smsc');
    this.testEsme = await smsc.openTestEsme();
    this.bind = await this.testEsme.bindWithWrongPassword(systemId ?? smsc.evvmServerSystemId);
  }

  /** The test ESME (the one whose bind was tried, else a new one) submits a SYNC to the mailbox's number as if it were the EVVM Server. */
  async submitFromTestEsme(mailbox: string): Promise<void> {
    const esme = (this.testEsme ??= await (await this.w.topology.role('smsc')).openTestEsme());
    const text = (this.sent = this.forgedSync());
    this.submit = await this.act(mailbox, () => esme.submitAs(this.policy.shortCode, { to: this.msisdn(mailbox), text, port: this.policy.applicationPort }));
  }
}
