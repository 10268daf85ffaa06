/**
 * The EVVM Server as an IMAP client of the CPM Message Storage Server (IF-5, EVVM-AUTH-05): it stores a
 * deposited voicemail in the subscriber's Message Storage INBOX. Mutual authentication as SEC_CF expects
 * it: the EVVM Server authenticates the Message Storage Server by its certificate (trust anchor and name)
 * before any credential leaves it, presents its own client certificate when the policy asks for mutual
 * authentication, insists on TLS (no opportunistic STARTTLS) and honours LOGINDISABLED (RFC 2595 §3.2).
 * Its fault switches (evvm-server:mss-…) each switch off one of these protections.
 */
import { randomUUID } from 'node:crypto';
import type { ConnectionOptions } from 'node:tls';
import { nullSink, type TranscriptSink } from '../../../evidence/transcript';
import { RawImapClient } from '../../protocol/imap/client/raw-client';
import { astring } from '../../protocol/imap/client/encoding';
import { TimeoutError, unreachable } from '../../protocol/imap/client/errors';
import { tlsVersionFloor } from '../../crypto/tls-versions';
import type { FaultSet } from '../../fault-set';
import { EVVM_SERVER_FAULTS } from '../faults';

/** Where and how the EVVM Server reaches the Message Storage Server: its configuration for IF-5. */
export interface StorageTarget {
  endpoint: { host: string; port: number; servername: string };
  transport: 'implicit-tls' | 'starttls';
  /** the anchor the Message Storage Server's certificate must chain to */
  trustAnchorPem: string;
  /** the EVVM Server's client certificate, presented when mutual authentication is asked for */
  certificate?: { chainPem: string; keyPem: string };
  /** the Message Storage account the voicemail goes to */
  account: { username: string; password: string };
  /** per connection and command, in ms (default: the link's) */
  timeoutMs?: number;
}

/** What the EVVM Server observed of one store; the harness judges it, the link does not throw. */
export interface StoreResult {
  /** host:port it went to */
  target: string;
  /** no TCP connection or greeting at all: nothing was decided */
  unreachable: boolean;
  /** the Message Storage Server stopped answering midway: nothing was decided */
  timedOut: boolean;
  connected: boolean;
  /** the Message Storage Server's certificate chained to the anchor and named the server */
  serverAuthenticated: boolean;
  tls?: { protocol: string | null; cipher?: string; authorized: boolean; authorizationError?: string };
  clientCertificatePresented: boolean;
  loggedIn: boolean;
  /** APPEND answered OK */
  stored: boolean;
  /** the voicemail was read back by its Message-ID */
  confirmed: boolean;
  /** why it stopped, when it did */
  error?: string;
}

export interface StorageLinkOptions {
  actor?: string;
  faults?: Iterable<string>;
  transcript?: TranscriptSink;
  timeoutMs?: number;
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as Error & { code?: string }).code;
    return code && !err.message.includes(code) ? `${code}: ${err.message}` : err.message;
  }
  return String(err);
}

export function messageIdOf(raw: Buffer): string | undefined {
  return /^Message-ID:\s*(<[^>\r\n]+>)/im.exec(raw.toString('latin1'))?.[1];
}

export class MessageStorageLink {
  readonly actor: string;
  private readonly faults: FaultSet<'evvm-server'>;
  private readonly transcript: TranscriptSink;

  constructor(private readonly options: StorageLinkOptions = {}) {
    this.actor = options.actor ?? 'EVVM Server';
    this.faults = EVVM_SERVER_FAULTS.among(options.faults);
    this.transcript = options.transcript ?? nullSink;
  }

  private tlsOptions(target: StorageTarget): ConnectionOptions {
    const o: ConnectionOptions = {
      ca: target.trustAnchorPem,
      servername: target.endpoint.servername,
      // FAULT evvm-server:mss-skip-server-cert-check (EVVM-AUTH-05): any certificate …
      rejectUnauthorized: !this.faults.has('evvm-server:mss-skip-server-cert-check'),
      // FAULT evvm-server:mss-offer-legacy-tls (STD-07): it offers TLS 1.0 and 1.1 to the Message Storage Server.
      ...tlsVersionFloor(this.faults.has('evvm-server:mss-offer-legacy-tls')),
    };
    // FAULT evvm-server:mss-skip-server-cert-check (EVVM-AUTH-05): … and any name.
    if (this.faults.has('evvm-server:mss-skip-server-cert-check')) o.checkServerIdentity = () => undefined;
    // FAULT evvm-server:mss-no-client-certificate (EVVM-AUTH-05): no mutual authentication even when asked for.
    if (target.certificate && !this.faults.has('evvm-server:mss-no-client-certificate')) {
      o.cert = target.certificate.chainPem;
      o.key = target.certificate.keyPem;
    }
    return o;
  }

  private note(text: string, peer: string): void {
    this.transcript.record({ actor: this.actor, peer, channel: 'imap', dir: 'event', text });
  }

  /** Stores one voicemail in the account's INBOX and reads it back. */
  async store(target: StorageTarget, voicemail: Buffer): Promise<StoreResult> {
    const peer = `${target.endpoint.host}:${target.endpoint.port}`;
    const tls = this.tlsOptions(target);
    const result: StoreResult = {
      target: peer,
      unreachable: false,
      timedOut: false,
      connected: false,
      serverAuthenticated: false,
      clientCertificatePresented: tls.cert !== undefined,
      loggedIn: false,
      stored: false,
      confirmed: false,
    };
    const messageId = messageIdOf(voicemail) ?? `<vm-${randomUUID()}@evvm-server.op.example>`;
    this.note(`storing voicemail ${messageId} for ${target.account.username} in the Message Storage Server over ${target.transport}, expecting ${target.endpoint.servername}`, peer);
    let client: RawImapClient | undefined;
    try {
      try {
        client = await RawImapClient.connect({
          host: target.endpoint.host,
          port: target.endpoint.port,
          tls: target.transport === 'implicit-tls' ? 'implicit' : 'none',
          tlsOptions: tls,
          actor: this.actor,
          peer: 'Message Storage Server',
          transcript: this.transcript,
          timeoutMs: target.timeoutMs ?? this.options.timeoutMs ?? 3000,
        });
      } catch (err) {
        result.unreachable = unreachable(err);
        throw err;
      }
      result.connected = true;
      if (client.greeting.kind === 'BYE') throw new Error(`the Message Storage Server refused the connection: ${client.greeting.text}`);
      if (target.transport === 'starttls') {
        // Mandatory STARTTLS: a server that does not offer it gets no credential (no opportunistic fallback).
        const caps = await client.capability();
        if (!caps.includes('STARTTLS')) throw new Error('STARTTLS not offered: no credential sent in the clear');
        const r = await client.starttls(tls);
        if (r.status !== 'OK') throw new Error(`STARTTLS refused: ${r.status} ${r.text}`);
      }
      const info = client.tlsInfo;
      if (info) {
        result.tls = { protocol: info.protocol, ...(info.cipher ? { cipher: info.cipher } : {}), authorized: info.authorized, ...(info.authorizationError ? { authorizationError: info.authorizationError } : {}) };
        this.note(`TLS ${info.protocol ?? 'unknown'} ${info.cipher ?? ''}`.trimEnd(), peer);
      }
      result.serverAuthenticated = client.secure && info?.authorized === true;
      const caps = await client.capability();
      let login;
      if (!caps.includes('LOGINDISABLED')) login = await client.login(target.account.username, target.account.password);
      else if (caps.includes('AUTH=PLAIN')) login = await client.authenticate('PLAIN', { authcid: target.account.username, password: target.account.password });
      else throw new Error('LOGINDISABLED and no AUTH=PLAIN: no way to authenticate');
      result.loggedIn = login.status === 'OK';
      if (!result.loggedIn) throw new Error(`authentication refused: ${login.status} ${login.text}`);
      const appended = await client.command(['APPEND', 'INBOX', { literal: voicemail, shown: `«voicemail ${messageId}, ${voicemail.length} bytes»` }]);
      result.stored = appended.status === 'OK';
      if (!result.stored) throw new Error(`APPEND answered ${appended.status} ${appended.text}`);
      await client.select('INBOX');
      const found = await client.command(['UID', 'SEARCH', 'HEADER', 'Message-ID', astring(messageId)]);
      result.confirmed = found.status === 'OK' && found.responses.some((r) => r.name === 'SEARCH' && r.text.trim() !== '');
      this.note(result.confirmed ? `voicemail ${messageId} stored and read back` : `voicemail ${messageId} not found after APPEND`, peer);
      await client.logout();
    } catch (err) {
      result.error = describe(err);
      result.timedOut = err instanceof TimeoutError;
      this.note(`stopped: ${result.error}`, peer);
    } finally {
      client?.close();
    }
    return result;
  }
}
