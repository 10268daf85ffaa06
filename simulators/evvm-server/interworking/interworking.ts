/**
 * The EVVM Server's SMTP interfaces, composed around an EvvmServer (it is not changed):
 * - IF-2 deposit: SMTP AUTH with the mailbox credentials, only after STARTTLS (STD-01, RFC 4954 §4);
 * - IF-6 Forwarding Gateway, IF-7 Non-OMA Standard VM Service, IF-8 other EVVM Servers: one listener per
 *   link, each with the service provider's policy for it: mutual authentication by certificates that
 *   chain to the link's anchors AND name the configured peer (EVVM-AUTH-06/07/08, EVVM-IW-C01/C02);
 *   only the peer's own originator domains, only local recipients (EVVM-IW-C04); a relayed voicemail
 *   whose signature no longer verifies is flagged, never silently stored (EVVM-IW-C03).
 * Outbound, a deposit in a mailbox with a forwarding address is relayed over the link the address's
 * domain belongs to, after the receiving end proved its certificate, and without re-encoding it.
 * Faults live next to the rule each one breaks.
 */
import { EventEmitter } from 'node:events';
import { nullSink, type TranscriptSink } from '../../../evidence/transcript';
import type { EvvmServer, DepositEvent } from '../evvm-server';
import type { FaultReader } from '../../fault-set';
import { deliver, type DeliveryResult } from '../../protocol/smtp/client';
import { SmtpListener, type InboundSession, type ReceivedMessage, type Refusal } from '../../protocol/smtp/server';
import type { LinkPolicy, PeerJudgement, SmtpEndpoint, SmtpTransport, TlsCredential } from '../../protocol/smtp/types';
import { contentType, parseEntity } from '../../protocol/smtp/mime';
import { readVpim } from '../../protocol/smtp/vpim';
import { reEncode } from '../../protocol/smtp/re-encode';
import type { ContentSigner, SignatureCheck } from '../../protocol/smtp/smime';

export type LinkName = 'forwardingGateway' | 'nonOmaVm' | 'interServer';
export const LINKS: readonly LinkName[] = ['forwardingGateway', 'nonOmaVm', 'interServer'];
/** the EVVM Server's SMTP interfaces: the three interworking links and the deposit interface (IF-2) */
export type SmtpInterface = LinkName | 'deposit';

/** The keyword an EVVM Server sets on a relayed voicemail whose signature does not verify. */
export const SIGNATURE_INVALID_FLAG = '$SignatureInvalid';

export interface LinkSettings {
  /** what this server requires of the other end, in both directions */
  policy: LinkPolicy;
  /** originator domains the other end may send for, and (outbound) the domains it is the route to */
  peerDomains: readonly string[];
  /** the other end, in transcripts */
  peerName: string;
}

export interface EvvmInterworkingOptions {
  server: EvvmServer;
  /** transcript name, default the server's */
  actor?: string;
  host?: string;
  /** the service provider's domain: op.example */
  domain: string;
  /** this server's name, as its certificates name it: evvm-server.op.example */
  identity: string;
  /** the server certificate of the SMTP interfaces */
  tls: { key: string; cert: string };
  /** the client certificate this server presents when it relays */
  clientCredential: TlsCredential;
  links: Record<LinkName, LinkSettings>;
  /** anchors client certificates on the deposit interface are checked against (recorded, not required) */
  depositAnchors: string;
  /** who may deposit over SMTP AUTH (IF-2): the mailbox credentials */
  submitters: ReadonlyArray<{ identifiers: readonly string[]; password: string; blocked?: boolean }>;
  /** verifies signatures of relayed voicemail; omitted: nothing is verified */
  contentSigner?: ContentSigner;
  /** anchors for content signatures */
  signatureAnchors?: string;
  transcript?: TranscriptSink;
}

/** One voicemail this server sent over a link. */
export interface OutboundDelivery {
  link: LinkName;
  from: string;
  to: string;
  messageId?: string;
  endpoint?: SmtpEndpoint;
  result: DeliveryResult;
}

/** One message that arrived over an SMTP interface, and what became of it. */
export interface InboundMessage {
  iface: SmtpInterface;
  conn: string;
  from: string;
  to: string[];
  messageId?: string;
  peer?: PeerJudgement;
  user?: string;
  /** stored in a mailbox, stored and flagged (signature broken), a forwarding result (not stored), or taken for a foreign domain (open-relay fault only) */
  outcome: 'stored' | 'flagged' | 'forwarding-result' | 'relayed';
  signature?: SignatureCheck;
  /** UIDs of the copies stored in local mailboxes */
  uids: number[];
}

export interface InterworkingObservations {
  sessions: Array<{ iface: SmtpInterface } & InboundSession>;
  inbound: InboundMessage[];
  outbound: OutboundDelivery[];
}

export type InterworkingPorts = Record<SmtpInterface, { smtp?: number; smtps?: number }>;

const domainOf = (address: string): string => address.slice(address.lastIndexOf('@') + 1).toLowerCase();

export class EvvmInterworking {
  readonly actor: string;
  private readonly transcript: TranscriptSink;
  private readonly listeners = new Map<SmtpInterface, SmtpListener>();
  private ports?: InterworkingPorts;
  private readonly routes = new Map<string, SmtpEndpoint>();
  private readonly forwarding = new Map<string, string>();
  private readonly inbound: InboundMessage[] = [];
  private readonly outbound: OutboundDelivery[] = [];
  private readonly pending = new Set<Promise<unknown>>();
  private readonly events = new EventEmitter();
  /** the EvvmServer's switches, read at each decision */
  private readonly faults: FaultReader<'evvm-server'>;

  constructor(private readonly options: EvvmInterworkingOptions) {
    this.actor = options.actor ?? options.server.actor;
    this.faults = options.server.faults;
    this.transcript = options.transcript ?? nullSink;
    for (const link of LINKS) this.listeners.set(link, this.linkListener(link));
    this.listeners.set('deposit', this.depositListener());
    options.server.onDeposit((e) => this.onDeposit(e));
  }

  async start(): Promise<InterworkingPorts> {
    const ports = {} as InterworkingPorts;
    for (const [iface, l] of this.listeners) ports[iface] = await l.start();
    this.ports = ports;
    return ports;
  }

  async stop(): Promise<void> {
    await Promise.allSettled([...this.pending]);
    await Promise.all([...this.listeners.values()].map((l) => l.stop()));
  }

  /** Where peers reach an interface of this server. */
  endpoint(iface: SmtpInterface, transport: SmtpTransport): SmtpEndpoint | undefined {
    const p = this.ports?.[iface];
    const port = transport === 'starttls' ? p?.smtp : p?.smtps;
    return port === undefined ? undefined : { host: this.options.host ?? '127.0.0.1', port, servername: this.options.identity, transport };
  }

  /** Where this server sends what goes over a link (the Forwarding Gateway, the Non-OMA VM Service). */
  route(link: LinkName, endpoint: SmtpEndpoint): void {
    this.routes.set(link, endpoint);
  }

  /** Where this server sends mail for a peer domain (other EVVM Servers, IF-8). */
  routeDomain(domain: string, endpoint: SmtpEndpoint): void {
    this.routes.set(`domain:${domain.toLowerCase()}`, endpoint);
  }

  /** A mailbox's forwarding address: what is deposited there is relayed to it. */
  setForwarding(identifier: string, address: string): void {
    this.forwarding.set(identifier, address);
  }

  /** The link an address is reached over: a peer EVVM Server's domain, the Non-OMA service's, else the gateway. */
  linkFor(address: string): LinkName {
    const d = domainOf(address);
    if (this.options.links.interServer.peerDomains.includes(d)) return 'interServer';
    if (this.options.links.nonOmaVm.peerDomains.includes(d)) return 'nonOmaVm';
    return 'forwardingGateway';
  }

  observations(): InterworkingObservations {
    const sessions: InterworkingObservations['sessions'] = [];
    for (const [iface, l] of this.listeners) for (const s of l.observations()) sessions.push({ iface, ...s });
    return { sessions, inbound: this.inbound.map((m) => ({ ...m })), outbound: this.outbound.map((o) => ({ ...o })) };
  }

  /** Waits until `count` outbound deliveries have finished (whatever their result), or the deadline. */
  async waitForOutbound(count: number, timeoutMs = 5000): Promise<OutboundDelivery[]> {
    if (this.outbound.length >= count) return [...this.outbound];
    await new Promise<void>((resolve) => {
      const t = setTimeout(done, timeoutMs);
      function done(): void {
        clearTimeout(t);
        resolve();
      }
      const check = (): void => {
        if (this.outbound.length >= count) {
          this.events.off('outbound', check);
          done();
        }
      };
      this.events.on('outbound', check);
    });
    return [...this.outbound];
  }

  /**
   * Sends a voicemail over a link now; the result is also kept in the observations. `via`: where and with
   * which anchors for the receiving server's certificate, when a harness that has this server under test
   * says so (its send trigger); otherwise the link's route and policy.
   */
  async send(link: LinkName, message: { from: string; to: string; raw: Buffer }, via?: { endpoint: SmtpEndpoint; trustAnchors: string }): Promise<OutboundDelivery> {
    const settings = this.options.links[link];
    const endpoint = via?.endpoint ?? (link === 'interServer' ? this.routes.get(`domain:${domainOf(message.to)}`) : this.routes.get(link));
    const messageId = /^Message-ID:[ \t]*(\S+)/im.exec(message.raw.toString('latin1'))?.[1];
    let raw: Buffer = Buffer.concat([Buffer.from(`Received: by ${this.options.identity} (EVVM Server) for <${message.to}>; ${new Date().toUTCString()}\r\n`, 'latin1'), message.raw]);
    // EVVM-IW-C03: a relay adds trace headers and leaves the signed entity alone
    // FAULT evvm-server:relay-re-encode (EVVM-IW-C03): it re-wraps the base64, breaking the signature.
    if (this.faults.has('evvm-server:relay-re-encode')) raw = reEncode(raw);
    let result: DeliveryResult;
    if (!endpoint) {
      result = { delivered: false, stage: 'connect', reason: `no route for ${link}${link === 'interServer' ? ` (${domainOf(message.to)})` : ''}`, secure: false, replies: [], acceptedRecipients: [] };
    } else {
      // FAULT evvm-server:fgw-accept-any-peer (EVVM-AUTH-06): any Forwarding Gateway certificate, or none.
      // FAULT evvm-server:nonoma-accept-any-peer (EVVM-AUTH-07, EVVM-IW-C02): any Non-OMA VM Service certificate, or none.
      // FAULT evvm-server:peer-skip-server-cert-check (EVVM-AUTH-08, EVVM-IW-C01): the peer EVVM Server's certificate is not checked.
      const skipServerCheck = (link === 'forwardingGateway' && this.faults.has('evvm-server:fgw-accept-any-peer')) || (link === 'nonOmaVm' && this.faults.has('evvm-server:nonoma-accept-any-peer')) || (link === 'interServer' && this.faults.has('evvm-server:peer-skip-server-cert-check'));
      result = await deliver({
        actor: this.actor,
        peer: settings.peerName,
        endpoint,
        heloName: this.options.identity,
        serverPolicy: via ? { ...settings.policy, trustAnchors: via.trustAnchors, crl: [] } : settings.policy,
        credential: this.options.clientCredential,
        // EVVM-AUTH-06/07/08: the receiving end must prove the configured name with a valid certificate
        ...(skipServerCheck ? { acceptServer: () => true } : {}),
        // EVVM-IW-C01: never fall back to plaintext when STARTTLS is missing
        // FAULT evvm-server:peer-plaintext-fallback (EVVM-IW-C01): it relays in plaintext to a peer without STARTTLS.
        plaintextFallback: link === 'interServer' && this.faults.has('evvm-server:peer-plaintext-fallback'),
        // FAULT evvm-server:smtp-offer-legacy-tls (STD-07): relays offer TLS 1.0 and 1.1 to the receiving server.
        offerLegacyTls: this.faults.has('evvm-server:smtp-offer-legacy-tls'),
        from: message.from,
        to: [message.to],
        message: raw,
        transcript: this.transcript,
      });
    }
    const o: OutboundDelivery = { link, from: message.from, to: message.to, result, ...(messageId ? { messageId } : {}), ...(endpoint ? { endpoint } : {}) };
    this.outbound.push(o);
    this.events.emit('outbound');
    return o;
  }

  private onDeposit(e: DepositEvent): void {
    const address = e.mailboxIdentifiers.map((id) => this.forwarding.get(id)).find((a) => a !== undefined);
    if (!address) return;
    const from = e.mailboxIdentifiers.find((id) => !id.includes(':') && domainOf(id) === this.options.domain) ?? `voicemail@${this.options.domain}`;
    const job = this.send(this.linkFor(address), { from, to: address, raw: e.voicemail.raw }).catch((err: Error) => {
      this.transcript.record({ actor: this.actor, channel: 'note', dir: 'event', text: `forwarding failed: ${err.message}` });
    });
    this.pending.add(job);
    void job.finally(() => this.pending.delete(job));
  }

  /** The mailbox identifier an SMTP address stands for, if the address is local: alice@op.example, +15550001@op.example. */
  private localIdentifier(address: string): string | undefined {
    if (domainOf(address) !== this.options.domain) return undefined;
    const local = address.slice(0, address.lastIndexOf('@'));
    const candidates = /^\+?\d+$/.test(local) ? [`tel:${local.startsWith('+') ? local : '+' + local}`, address] : [address, `sip:${address}`];
    return candidates.find((c) => this.hasMailbox(c));
  }

  private hasMailbox(identifier: string): boolean {
    try {
      this.options.server.messages(identifier);
      return true;
    } catch {
      return false;
    }
  }

  private acceptsRecipient(to: string): Refusal | undefined {
    if (domainOf(to) !== this.options.domain) {
      // EVVM-IW-C04: interworking links deliver to this domain's mailboxes only
      // FAULT evvm-server:open-relay (EVVM-IW-C04): mail for other domains is taken.
      return this.faults.has('evvm-server:open-relay') ? undefined : { code: 550, text: `5.7.1 Relaying denied: ${domainOf(to)} is not served here` };
    }
    return this.localIdentifier(to) ? undefined : { code: 550, text: '5.1.1 No such mailbox' };
  }

  private linkListener(link: LinkName): SmtpListener {
    const settings = this.options.links[link];
    // FAULT evvm-server:fgw-accept-any-peer (EVVM-AUTH-06): a Forwarding Gateway with any certificate, or none, is let in.
    // FAULT evvm-server:nonoma-accept-any-peer (EVVM-AUTH-07, EVVM-IW-C02): a Non-OMA VM Service with any certificate, or none, is let in.
    // FAULT evvm-server:peer-accept-any-client (EVVM-AUTH-08, EVVM-IW-C01, EVVM-IW-C04): a peer EVVM Server with any certificate, or none, is let in.
    const anyPeer = link === 'forwardingGateway' ? 'evvm-server:fgw-accept-any-peer' : link === 'nonOmaVm' ? 'evvm-server:nonoma-accept-any-peer' : 'evvm-server:peer-accept-any-client';
    return new SmtpListener({
      actor: this.actor,
      peer: settings.peerName,
      ...(this.options.host ? { host: this.options.host } : {}),
      name: this.options.identity,
      listen: { starttls: true, implicitTls: true },
      tls: this.options.tls,
      clientPolicy: settings.policy,
      // EVVM-AUTH-06/07/08: a client certificate that chains to the link's anchors and names the peer
      acceptClient: () => this.faults.has(anyPeer),
      // EVVM-IW-C01: no server-to-server mail without TLS
      // FAULT evvm-server:peer-accept-plaintext (EVVM-IW-C01): a peer EVVM Server may send without TLS.
      requireTls: () => !(link === 'interServer' && this.faults.has('evvm-server:peer-accept-plaintext')),
      // FAULT evvm-server:smtp-accept-legacy-tls (STD-07): TLS 1.0 and 1.1 handshakes complete on every SMTP interface.
      acceptLegacyTls: () => this.faults.has('evvm-server:smtp-accept-legacy-tls'),
      onMailFrom: (from) => {
        const d = from === '' ? '' : domainOf(from);
        const allowed = settings.peerDomains.includes(d) || (from === '' && link === 'forwardingGateway');
        // EVVM-IW-C04: a peer speaks only for the originator domains it serves
        // FAULT evvm-server:accept-foreign-domain-injection (EVVM-IW-C04): any originator domain is taken.
        if (allowed || this.faults.has('evvm-server:accept-foreign-domain-injection')) return undefined;
        return { code: 550, text: `5.7.1 Sender domain ${d || '(null sender)'} is not served by this ${settings.peerName}` };
      },
      onRcptTo: (to) => this.acceptsRecipient(to),
      onMessage: (m) => this.receive(link, m),
      transcript: this.transcript,
    });
  }

  private depositListener(): SmtpListener {
    const submitters = this.options.submitters;
    return new SmtpListener({
      actor: this.actor,
      peer: 'EVVM Client',
      ...(this.options.host ? { host: this.options.host } : {}),
      name: this.options.identity,
      listen: { starttls: true, implicitTls: true },
      tls: this.options.tls,
      // IF-2 authenticates the user by SMTP AUTH; a client certificate is recorded, not required
      clientPolicy: { mutualAuth: false, trustAnchors: this.options.depositAnchors, peerIdentities: [] },
      auth: {
        mechanisms: ['PLAIN', 'LOGIN'],
        required: true,
        verify: (username, password) => {
          const s = submitters.find((x) => !x.blocked && x.password === password && x.identifiers.some((id) => id.toLowerCase() === username.toLowerCase()));
          return s ? username : undefined;
        },
      },
      // STD-01 (RFC 4954 §4): no plaintext mechanism before STARTTLS
      // FAULT evvm-server:smtp-plaintext-auth-before-tls (STD-01): AUTH PLAIN and LOGIN before STARTTLS.
      allowInsecureAuth: () => this.faults.has('evvm-server:smtp-plaintext-auth-before-tls'),
      // FAULT evvm-server:smtp-no-starttls (STD-01): no STARTTLS, so AUTH travels in the clear.
      offerStartTls: () => !this.faults.has('evvm-server:smtp-no-starttls'),
      // FAULT evvm-server:smtp-no-starttls (STD-01): … and no TLS is required before AUTH.
      requireTls: () => !this.faults.has('evvm-server:smtp-no-starttls'),
      // FAULT evvm-server:smtp-accept-legacy-tls (STD-07): TLS 1.0 and 1.1 handshakes complete on the deposit interface.
      acceptLegacyTls: () => this.faults.has('evvm-server:smtp-accept-legacy-tls'),
      onRcptTo: (to) => (domainOf(to) === this.options.domain && this.localIdentifier(to) ? undefined : { code: 550, text: '5.7.1 Deposit only to mailboxes of this EVVM Server' }),
      onMessage: (m) => this.receive('deposit', m),
      transcript: this.transcript,
    });
  }

  private async receive(iface: SmtpInterface, m: ReceivedMessage): Promise<Refusal | undefined> {
    const messageId = /^Message-ID:[ \t]*(\S+)/im.exec(m.raw.toString('latin1'))?.[1];
    const base = { iface, conn: m.conn, from: m.from, to: m.to, uids: [] as number[], ...(messageId ? { messageId } : {}), ...(m.peer ? { peer: m.peer } : {}), ...(m.user ? { user: m.user } : {}) };
    if (iface === 'forwardingGateway') {
      // a forwarding result (delivery status notification) for a mailbox: recorded, not stored
      this.inbound.push({ ...base, outcome: 'forwarding-result' });
      return undefined;
    }
    if (iface === 'nonOmaVm') {
      const vpim = readVpim(m.raw);
      if (!vpim.ok) return { code: 554, text: `5.6.0 Not a VPIM voice message: ${vpim.problem}` };
    }
    let signature: SignatureCheck | undefined;
    const flags: string[] = [];
    if (iface !== 'deposit' && this.options.contentSigner && this.options.signatureAnchors && contentType(parseEntity(m.raw)).value === 'multipart/signed') {
      // EVVM-IW-C03: a signature broken in transit is flagged, never silently accepted
      // FAULT evvm-server:accept-broken-signature (EVVM-IW-C03): relayed voicemail is stored unverified, unflagged.
      if (!this.faults.has('evvm-server:accept-broken-signature')) {
        signature = await this.options.contentSigner.verify(m.raw, this.options.signatureAnchors);
        if (!signature.valid) flags.push(SIGNATURE_INVALID_FLAG);
        this.transcript.record({ actor: this.actor, channel: 'cms', dir: 'event', text: `signature of ${messageId ?? 'the voicemail'} ${signature.valid ? 'verifies' : 'does NOT verify'}: ${signature.reason}`, conn: m.conn });
      }
    }
    const received = Buffer.from(`Received: from ${m.peer?.identity ?? m.user ?? 'unauthenticated peer'} by ${this.options.identity} with ${m.secure ? 'ESMTPS' : 'ESMTP'} id ${m.conn}; ${new Date().toUTCString()}\r\n`, 'latin1');
    const raw = Buffer.concat([received, m.raw]);
    const record: InboundMessage = { ...base, outcome: flags.length ? 'flagged' : 'stored', ...(signature ? { signature } : {}) };
    for (const to of m.to) {
      const id = this.localIdentifier(to);
      if (!id) {
        record.outcome = 'relayed';
        continue;
      }
      record.uids.push(this.options.server.deposit(id, { raw, flags }));
    }
    this.inbound.push(record);
    return undefined;
  }
}
