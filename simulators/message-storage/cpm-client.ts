/**
 * The CPM client as the harness plays it toward a Message Storage Server (simulated or a vendor's IUT):
 * certificate TLS or PSK-TLS, implicit or via STARTTLS, then LOGIN or AUTHENTICATE. Like the harness's
 * test client it reports outcomes instead of throwing, because for a conformance check "the connection
 * was refused" is an answer; it also tells an answer from an unreachable server, which proves nothing.
 */
import type { ConnectionOptions, PeerCertificate } from 'node:tls';
import type { TranscriptSink } from '../../harness/evidence/transcript';
import { RawImapClient } from '../protocol/imap/client/raw-client';
import { NetworkError, TimeoutError } from '../protocol/imap/client/errors';
import { PSK_CIPHERS } from '../protocol/imap/server/server';
import type { MechanismName, SaslClientCredentials } from '../protocol/sasl/types';

export type PskVersion = 'TLSv1.2' | 'TLSv1.3';

export interface PskCredential {
  identity: string;
  key: Buffer;
}

export interface CpmClientOptions {
  endpoint: { host: string; port: number; servername: string };
  transport: 'implicit-tls' | 'starttls';
  /** certificate TLS: the anchor the server's certificate must chain to */
  trustAnchorPem?: string;
  certificate?: { chainPem: string; keyPem: string };
  /** PSK-TLS instead of certificates */
  psk?: PskCredential & { version: PskVersion };
  transcript: TranscriptSink;
  actor?: string;
  timeoutMs?: number;
}

export interface Attempt {
  status: 'OK' | 'NO' | 'BAD' | 'none';
  text: string;
  /** the response code, e.g. AUTHENTICATIONFAILED, PRIVACYREQUIRED, UNAVAILABLE (RFC 5530) */
  code?: string;
  /** no answer within the time limit: nothing was decided */
  timedOut?: boolean;
}

function failed(err: unknown): Attempt {
  return { status: 'none', text: reason(err), ...(err instanceof TimeoutError ? { timedOut: true } : {}) };
}

function reason(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as Error & { code?: string }).code;
    return code ? `${code}: ${err.message}` : err.message;
  }
  return String(err);
}

/** The server could not be reached at all: no answer, so no verdict (inconclusive, never a pass). */
export function unreachable(err: unknown): boolean {
  if (err instanceof TimeoutError) return err.phase === 'connect' || err.phase === 'greeting';
  return err instanceof NetworkError && /^(ECONNREFUSED|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|ETIMEDOUT)$/.test(err.code);
}

/**
 * PSK-TLS client options (RFC 4279 suites on TLS 1.2; external PSK with TLS_AES_128_GCM_SHA256 on TLS
 * 1.3, whose hash a 256-bit PSK matches). A server that answers with a certificate instead (TLS 1.3 falls
 * back to one for an identity it does not know) has not proved it holds the key: refused.
 */
export function pskTlsOptions(psk: PskCredential, version: PskVersion): ConnectionOptions {
  return {
    pskCallback: () => ({ psk: psk.key, identity: psk.identity }),
    ...(version === 'TLSv1.2' ? { ciphers: PSK_CIPHERS, minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' } : { ciphers: 'TLS_AES_128_GCM_SHA256', minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3' }),
    checkServerIdentity: (_host: string, cert: PeerCertificate) =>
      cert && cert.raw ? new Error('the server authenticated with a certificate, not with the PSK') : undefined,
  };
}

export class CpmClient {
  private constructor(
    readonly client: RawImapClient | undefined,
    /** why there is no connection, when there is none */
    readonly connectError: string | undefined,
    /** no TCP connection or no greeting at all */
    readonly unreachable: boolean,
    private readonly tls: ConnectionOptions,
  ) {}

  static tlsOptions(o: CpmClientOptions): ConnectionOptions {
    if (o.psk) return pskTlsOptions(o.psk, o.psk.version);
    return {
      ...(o.trustAnchorPem ? { ca: o.trustAnchorPem } : {}),
      servername: o.endpoint.servername,
      rejectUnauthorized: true,
      minVersion: 'TLSv1.2',
      ...(o.certificate ? { cert: o.certificate.chainPem, key: o.certificate.keyPem } : {}),
    };
  }

  static async open(o: CpmClientOptions): Promise<CpmClient> {
    const tls = CpmClient.tlsOptions(o);
    if (o.psk) o.transcript.record({ actor: o.actor ?? 'CPM Client', channel: 'tls', dir: 'event', text: `PSK-TLS (${o.psk.version}) as identity "${o.psk.identity}"` });
    try {
      const client = await RawImapClient.connect({
        host: o.endpoint.host,
        port: o.endpoint.port,
        tls: o.transport === 'implicit-tls' ? 'implicit' : 'none',
        tlsOptions: tls,
        actor: o.actor ?? 'CPM Client',
        peer: 'Message Storage Server',
        transcript: o.transcript,
        timeoutMs: o.timeoutMs ?? 3000,
      });
      return new CpmClient(client, undefined, false, tls);
    } catch (err) {
      return new CpmClient(undefined, reason(err), unreachable(err), tls);
    }
  }

  get greeting(): string | undefined {
    return this.client?.greeting?.kind;
  }

  get secure(): boolean {
    return this.client?.secure === true;
  }

  /** The server's certificate chained to the anchor and named the server (or the PSK was used). */
  get serverAuthenticated(): boolean {
    return this.client?.tlsInfo?.authorized === true;
  }

  get tlsProtocol(): string | null | undefined {
    return this.client?.tlsInfo?.protocol;
  }

  /** Protocol violations the client saw: unknown tags (replayed injections), unexpected data. */
  get anomalies(): readonly string[] {
    return this.client?.anomalies ?? [];
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

  async login(username: string, password: string): Promise<Attempt> {
    if (!this.client) return { status: 'none', text: this.connectError ?? 'not connected' };
    try {
      const r = await this.client.login(username, password);
      return { status: r.status, text: r.text, ...(r.code ? { code: r.code.name } : {}) };
    } catch (err) {
      return failed(err);
    }
  }

  async authenticate(mechanism: MechanismName, credentials: SaslClientCredentials): Promise<Attempt> {
    if (!this.client) return { status: 'none', text: this.connectError ?? 'not connected' };
    try {
      const r = await this.client.authenticate(mechanism, credentials);
      return { status: r.status, text: r.text, ...(r.code ? { code: r.code.name } : {}) };
    } catch (err) {
      return failed(err);
    }
  }

  /**
   * AUTHENTICATE with a mechanism the harness's SASL library does not implement (ANONYMOUS, DIGEST-MD5, …),
   * by SASL-IR with a harmless trace string; a continuation request is cancelled.
   */
  async authenticateOther(mechanism: string): Promise<Attempt> {
    if (!this.client) return { status: 'none', text: this.connectError ?? 'not connected' };
    try {
      const r = await this.client.run(['AUTHENTICATE', mechanism, Buffer.from('evvm-conformance').toString('base64')], {
        onContinuation: () => ({ line: '*', shown: '* (cancel)' }),
      });
      return { status: r.status, text: r.text, ...(r.code ? { code: r.code.name } : {}) };
    } catch (err) {
      return failed(err);
    }
  }

  /** One tagged command; 'closed' when there is no connection (any more), 'timeout' when no answer came. */
  async command(line: string): Promise<'OK' | 'NO' | 'BAD' | 'closed' | 'timeout'> {
    if (!this.client) return 'closed';
    try {
      return (await this.client.command(line)).status;
    } catch (err) {
      return err instanceof TimeoutError ? 'timeout' : 'closed';
    }
  }

  close(): void {
    this.client?.close();
  }
}
