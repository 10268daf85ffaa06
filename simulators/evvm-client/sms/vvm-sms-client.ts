/**
 * The EVVM Client's notification handling (IF-3, IF-4): it filters what the handset receives
 * (originator allow-list, application port), parses it strictly, and acts on it only through the
 * authenticated IMAP interface. A notification is a trigger, not an authority (EVVM-SMS-C06):
 *
 *  - SYNC: the client synchronises its voicemail list with the server over IMAP; the id and c the SMS
 *    claims never create anything.
 *  - STATUS with an account (st=N/R): the client tries the named server, authenticating it as the
 *    provisioned EVVM Server (operator trust anchor, provisioned server name), and adopts the new
 *    account only after that server proved itself and the login worked (EVVM-SMS-C01). A STATUS that
 *    points elsewhere therefore gets no credential out of the client.
 *
 * It also sends the MO commands Activate, Deactivate and STATUS to the server's number (dn).
 */
import { isIP } from 'node:net';
import { nullSink, type TranscriptSink } from '../../../evidence/transcript';
import type { SubmitOutcome } from '../../protocol/smpp/esme';
import { redactVvmSecrets } from '../../protocol/vvm-sms/encode';
import { encodeMo } from '../../protocol/vvm-sms/mo';
import { parseNotification, parseNotificationLax, type StatusNotification, type SyncNotification } from '../../protocol/vvm-sms/parse';
import type { FaultSet } from '../../fault-set';
import type { EvvmClient } from '../evvm-client';
import { EVVM_CLIENT_FAULTS } from '../faults';
import { filterSms, type FilterPolicy } from './filter';
import type { Handset, ReceivedSms } from './handset';

export interface VvmSmsPolicy extends FilterPolicy {
  /** the client prefix, e.g. //VVM */
  prefix: string;
  /** the server's number MO commands go to */
  dn: string;
}

export interface VvmSmsClientOptions {
  actor?: string;
  handset: Handset;
  /** the IMAP engine (with its trust anchor and client certificate) */
  imap: EvvmClient;
  policy: VvmSmsPolicy;
  /** the provisioned identity of the EVVM Server: the name its certificate must carry, and the transport */
  server: { servername: string; transport: 'implicit-tls' | 'starttls' };
  /** the simulated network's name resolution: an address to connect to, or undefined (unreachable) */
  resolve?: (host: string) => string | undefined;
  /** ct of MO commands */
  clientType?: string;
  faults?: Iterable<string>;
  transcript?: TranscriptSink;
}

export type Verdict = 'accepted' | 'dropped' | 'malformed' | 'ordinary';

export interface NotificationRecord {
  seq: number;
  via: ReceivedSms['via'];
  originator: string;
  port?: number;
  /** the text with pw and smtp_pw redacted */
  text: string;
  verdict: Verdict;
  /** why it was dropped or rejected */
  reason?: string;
  event?: 'SYNC' | 'STATUS';
  /** what the client did with an accepted notification */
  action?: string;
}

export interface SyncRecord {
  trigger: string;
  host: string;
  port: number;
  servername: string;
  serverAuthenticated: boolean;
  loggedIn: boolean;
  voicemails: number;
  /** a STATUS's new account was adopted */
  adopted?: boolean;
  error?: string;
}

export interface ClientVoicemail {
  uid: number;
  messageId?: string;
  /** an entry the notification created, not IMAP (fault evvm-client:sms-creates-state) */
  placeholder?: boolean;
}

/** What the client holds: no password in it. */
export interface ClientVvmState {
  provisioned: boolean;
  server?: { host: string; port: number };
  username?: string;
  /** the last st a STATUS reported */
  reportedStatus?: string;
  voicemails: ClientVoicemail[];
  /** new voicemails the client shows */
  newCount: number;
}

interface Account {
  host: string;
  port: number;
  username: string;
  password: string;
}

/** The simulation's network: every name resolves to loopback; no other address is reachable. */
export function loopbackResolver(host: string): string | undefined {
  if (isIP(host)) return host === '127.0.0.1' ? host : undefined;
  return '127.0.0.1';
}

export class VvmSmsClient {
  readonly actor: string;
  private readonly faults: FaultSet<'evvm-client'>;
  private readonly transcript: TranscriptSink;
  private readonly records: NotificationRecord[] = [];
  private readonly syncLog: SyncRecord[] = [];
  private account?: Account;
  private reportedStatus?: string;
  private voicemails: ClientVoicemail[] = [];
  private newCount = 0;
  /** notifications are handled one at a time, in order */
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly options: VvmSmsClientOptions) {
    this.actor = options.actor ?? 'EVVM Client';
    this.faults = EVVM_CLIENT_FAULTS.among(options.faults);
    this.transcript = options.transcript ?? nullSink;
    options.handset.onSms((sms) => this.enqueue(sms));
  }

  get handset(): Handset {
    return this.options.handset;
  }

  activate(): Promise<SubmitOutcome> {
    const { policy } = this.options;
    return this.sendMo(encodeMo({ command: 'Activate', pv: 13, ct: this.clientType(), pt: policy.port, prefix: policy.prefix }));
  }

  deactivate(): Promise<SubmitOutcome> {
    return this.sendMo(encodeMo({ command: 'Deactivate', pv: 13, ct: this.clientType() }));
  }

  requestStatus(): Promise<SubmitOutcome> {
    const { policy } = this.options;
    return this.sendMo(encodeMo({ command: 'STATUS', pv: 13, ct: this.clientType(), pt: policy.port, prefix: policy.prefix }));
  }

  state(): ClientVvmState {
    const s: ClientVvmState = { provisioned: !!this.account, voicemails: this.voicemails.map((v) => ({ ...v })), newCount: this.newCount };
    if (this.account) {
      s.server = { host: this.account.host, port: this.account.port };
      s.username = this.account.username;
    }
    if (this.reportedStatus) s.reportedStatus = this.reportedStatus;
    return s;
  }

  notifications(): readonly NotificationRecord[] {
    return this.records;
  }

  syncs(): readonly SyncRecord[] {
    return this.syncLog;
  }

  private clientType(): string {
    return this.options.clientType ?? 'EVVM.Simulator.1';
  }

  private sendMo(text: string): Promise<SubmitOutcome> {
    this.note(`MO to ${this.options.policy.dn}: ${text}`);
    return this.options.handset.send(this.options.policy.dn, text);
  }

  private enqueue(sms: ReceivedSms): Promise<void> {
    const next = this.chain.then(() => this.handle(sms));
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async handle(sms: ReceivedSms): Promise<void> {
    const record: NotificationRecord = { seq: sms.seq, via: sms.via, originator: sms.originator, text: redactVvmSecrets(sms.text), verdict: 'accepted', ...(sms.port ? { port: sms.port.destination } : {}) };
    this.records.push(record);
    const looksVvm = sms.text.startsWith('//');
    const filtered = filterSms(sms, this.options.policy, this.faults);
    if (!filtered.pass) {
      // an SMS that is no VVM notification is the user's; one that pretends to be is dropped unseen
      record.verdict = looksVvm ? 'dropped' : 'ordinary';
      record.reason = filtered.reason;
      this.note(`SMS from "${sms.originator}" ${looksVvm ? 'dropped' : 'left to the user'}: ${filtered.reason}`);
      return;
    }
    // FAULT evvm-client:lax-sms-parser (EVVM-SMS-C04): the laxity of real parsers.
    const parsed = this.faults.has('evvm-client:lax-sms-parser') ? parseNotificationLax(sms.text) : parseNotification(sms.text, { prefix: this.options.policy.prefix });
    if (!parsed.ok) {
      record.verdict = looksVvm ? 'malformed' : 'ordinary';
      record.reason = parsed.reason;
      this.note(`SMS from "${sms.originator}" rejected, state unchanged: ${parsed.reason}`);
      return;
    }
    const n = parsed.notification;
    record.event = n.event;
    if (n.event === 'STATUS') this.transcript.secret(n.password);
    this.note(`accepted ${n.event}${n.event === 'SYNC' ? ` ev=${n.ev}` : ` st=${n.st}`} from "${sms.originator}"`);
    record.action = n.event === 'SYNC' ? await this.onSync(n) : await this.onStatus(n);
  }

  private async onSync(n: SyncNotification): Promise<string> {
    if (!this.account) return 'no account to synchronise yet';
    // FAULT evvm-client:sms-creates-state (EVVM-SMS-C06): the SMS's id and c become client state.
    const createsState = this.faults.has('evvm-client:sms-creates-state');
    if (createsState && n.uid !== undefined && !this.voicemails.some((v) => String(v.uid) === n.uid)) {
      this.voicemails.push({ uid: Number(n.uid), placeholder: true });
    }
    const sync = await this.synchronise(`SYNC ev=${n.ev}`, this.account, this.options.server.servername);
    if (!sync.ok) return `synchronisation failed: ${sync.record.error ?? 'not logged in'}`;
    const placeholders = createsState ? this.voicemails.filter((v) => v.placeholder && !sync.voicemails.some((s) => s.uid === v.uid)) : [];
    this.voicemails = [...sync.voicemails, ...placeholders];
    this.newCount = createsState ? n.count : sync.voicemails.length;
    return `synchronised: ${sync.voicemails.length} voicemail(s) on the server`;
  }

  private async onStatus(n: StatusNotification): Promise<string> {
    this.reportedStatus = n.st;
    if (n.st !== 'N' && n.st !== 'R') return `status ${n.st} noted; account unchanged`;
    if (!n.server || !n.imapPort || !n.username || !n.password) return 'STATUS without a complete account; ignored';
    const candidate: Account = { host: n.server, port: n.imapPort, username: n.username, password: n.password };
    // FAULT evvm-client:sms-server-name-from-status (EVVM-SMS-C01): the SMS decides who the server must be.
    const servername = this.faults.has('evvm-client:sms-server-name-from-status') ? n.server : this.options.server.servername;
    const sync = await this.synchronise(`STATUS st=${n.st}`, candidate, servername);
    sync.record.adopted = sync.ok;
    if (!sync.ok) return `account not adopted: ${sync.record.error ?? 'server not authenticated'}`;
    this.account = candidate;
    this.voicemails = sync.voicemails;
    this.newCount = sync.voicemails.length;
    return `account adopted after authenticating the server; ${sync.voicemails.length} voicemail(s)`;
  }

  /** An authenticated IMAP session with `account`'s server: the only source of client state. */
  private async synchronise(trigger: string, account: Account, servername: string): Promise<{ ok: boolean; record: SyncRecord; voicemails: ClientVoicemail[] }> {
    const record: SyncRecord = { trigger, host: account.host, port: account.port, servername, serverAuthenticated: false, loggedIn: false, voicemails: 0 };
    this.syncLog.push(record);
    const address = (this.options.resolve ?? loopbackResolver)(account.host);
    if (!address) {
      record.error = `${account.host} is not reachable`;
      return { ok: false, record, voicemails: [] };
    }
    const r = await this.options.imap.retrieveVoicemail({ host: address, port: account.port, servername, transport: this.options.server.transport }, { username: account.username, password: account.password });
    record.serverAuthenticated = r.serverAuthenticated;
    record.loggedIn = r.loggedIn;
    record.voicemails = r.voicemails.length;
    if (r.error) record.error = r.error;
    const voicemails = r.voicemails.map((v) => {
      const id = /^Message-ID:\s*(\S+)/im.exec(v.raw.toString('latin1'))?.[1];
      return id ? { uid: v.uid, messageId: id } : { uid: v.uid };
    });
    const ok = r.loggedIn && r.error === undefined;
    return { ok, record, voicemails };
  }

  private note(text: string): void {
    this.transcript.record({ actor: this.actor, channel: 'sms', dir: 'event', text });
  }
}
