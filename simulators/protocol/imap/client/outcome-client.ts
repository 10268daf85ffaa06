/**
 * An IMAP client that reports outcomes instead of throwing: for a conformance check "the connection was
 * closed" or "the handshake was refused" is an answer, not an accident. The harness's test client
 * (toward the EVVM Server) and the CPM client (toward the Message Storage Server) are both this, each
 * with its own TLS set-up and its own extra flows.
 */
import type { ConnectionOptions } from 'node:tls';
import type { TranscriptSink } from '../../../../evidence/transcript';
import type { MechanismName, SaslClientCredentials } from '../../sasl/types';
import { TimeoutError } from './errors';
import { RawImapClient } from './raw-client';
import type { CommandResult } from './types';

/** How a server answered an authentication attempt, or why there was no answer. */
export interface Attempt {
  status: 'OK' | 'NO' | 'BAD' | 'none';
  text: string;
  /** the response code, e.g. AUTHENTICATIONFAILED, PRIVACYREQUIRED, UNAVAILABLE (RFC 5530) */
  code?: string;
  /** no answer within the time limit: nothing was decided */
  timedOut?: boolean;
}

/** An error as evidence: Node's code (ECONNRESET, CERT_HAS_EXPIRED, …) and the message. */
export function reason(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as Error & { code?: string }).code;
    return code ? `${code}: ${err.message}` : err.message;
  }
  return String(err);
}

export interface OutcomeConnectOptions {
  endpoint: { host: string; port: number; servername: string };
  transport: 'implicit-tls' | 'starttls';
  transcript: TranscriptSink;
  actor: string;
  peer?: string;
  timeoutMs: number;
}

/** An INBOX as a session sees it; status 'closed' when there is no connection, 'timeout' when no answer came. */
export interface InboxView {
  status: 'OK' | 'NO' | 'BAD' | 'closed' | 'timeout';
  uidValidity?: string;
  messageIds: string[];
}

export class OutcomeImapClient {
  protected constructor(
    readonly client: RawImapClient | undefined,
    /** why there is no connection, when there is none */
    readonly connectError: string | undefined,
    /** for the handshake, implicit or after STARTTLS */
    protected readonly tls: ConnectionOptions,
  ) {}

  /** Connects (TLS from the first byte on implicit TLS); the error instead of a client when that fails. */
  protected static async connect(o: OutcomeConnectOptions, tls: ConnectionOptions): Promise<{ client: RawImapClient; error?: undefined } | { client?: undefined; error: unknown }> {
    try {
      const client = await RawImapClient.connect({
        host: o.endpoint.host,
        port: o.endpoint.port,
        tls: o.transport === 'implicit-tls' ? 'implicit' : 'none',
        tlsOptions: tls,
        actor: o.actor,
        ...(o.peer ? { peer: o.peer } : {}),
        transcript: o.transcript,
        timeoutMs: o.timeoutMs,
      });
      return { client };
    } catch (error) {
      return { error };
    }
  }

  get greeting(): string | undefined {
    return this.client?.greeting?.kind;
  }

  async capabilities(): Promise<string[]> {
    if (!this.client) return [];
    try {
      return await this.client.capability();
    } catch {
      return [];
    }
  }

  /** STARTTLS, optionally with a command pipelined in the same write; undefined when TLS is up. */
  async starttls(pipelined?: string): Promise<string | undefined> {
    if (!this.client) return this.connectError;
    try {
      const r = await this.client.starttls(this.tls, pipelined ? { pipelined: Buffer.from(pipelined + '\r\n') } : {});
      return r.status === 'OK' ? undefined : `STARTTLS answered ${r.status} ${r.text}`;
    } catch (err) {
      return reason(err);
    }
  }

  login(username: string, password: string): Promise<Attempt> {
    return this.attempt((c) => c.login(username, password));
  }

  authenticate(mechanism: MechanismName, credentials: SaslClientCredentials): Promise<Attempt> {
    return this.attempt((c) => c.authenticate(mechanism, credentials));
  }

  /**
   * AUTHENTICATE with a mechanism the harness's SASL library does not implement (ANONYMOUS, DIGEST-MD5, …),
   * by SASL-IR with a harmless trace string; a continuation request is cancelled.
   */
  authenticateOther(mechanism: string): Promise<Attempt> {
    return this.attempt((c) =>
      c.run(['AUTHENTICATE', mechanism, Buffer.from('evvm-conformance').toString('base64')], {
        onContinuation: () => ({ line: '*', shown: '* (cancel)' }),
      }),
    );
  }

  /** An authentication command's answer; a failure to get one is status 'none' with the reason. */
  protected async attempt(send: (client: RawImapClient) => Promise<CommandResult>): Promise<Attempt> {
    if (!this.client) return { status: 'none', text: this.connectError ?? 'not connected' };
    try {
      const r = await send(this.client);
      return { status: r.status, text: r.text, ...(r.code ? { code: r.code.name } : {}) };
    } catch (err) {
      return { status: 'none', text: reason(err), ...(err instanceof TimeoutError ? { timedOut: true } : {}) };
    }
  }

  /**
   * SELECT INBOX and what identifies it: UIDVALIDITY and the Message-IDs it holds (RFC 9051 SELECT, FETCH).
   * Whose mailbox a session reached is judged on these, never on the SELECT status alone.
   */
  async inbox(): Promise<InboxView> {
    if (!this.client) return { status: 'closed', messageIds: [] };
    try {
      const selected = await this.client.command('SELECT INBOX');
      if (selected.status !== 'OK') return { status: selected.status, messageIds: [] };
      const uidValidity = selected.untagged.map((l) => /\[UIDVALIDITY (\d+)\]/i.exec(l)?.[1]).find((v) => v !== undefined);
      const exists = Number(selected.untagged.map((l) => /^\* (\d+) EXISTS/i.exec(l)?.[1]).find((v) => v !== undefined) ?? 0);
      const messageIds: string[] = [];
      if (exists > 0) {
        const fetched = await this.client.command('FETCH 1:* (BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])');
        for (const line of fetched.untagged) for (const m of line.matchAll(/^Message-ID:\s*(<[^>\r\n]+>)/gim)) messageIds.push(m[1]!);
      }
      return { status: 'OK', ...(uidValidity ? { uidValidity } : {}), messageIds };
    } catch (err) {
      return { status: err instanceof TimeoutError ? 'timeout' : 'closed', messageIds: [] };
    }
  }

  close(): void {
    this.client?.close();
  }
}
