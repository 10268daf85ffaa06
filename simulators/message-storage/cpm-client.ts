/**
 * The CPM client as the harness plays it toward a Message Storage Server (simulated or a vendor's IUT):
 * certificate TLS or PSK-TLS, implicit or via STARTTLS, then LOGIN or AUTHENTICATE. Like the harness's
 * test client it reports outcomes instead of throwing (OutcomeImapClient); it also tells an answer from
 * an unreachable server, which proves nothing.
 */
import type { ConnectionOptions, PeerCertificate } from 'node:tls';
import type { TranscriptSink } from '../../evidence/transcript';
import { NetworkError, TimeoutError } from '../protocol/imap/client/errors';
import { OutcomeImapClient, reason } from '../protocol/imap/client/outcome-client';
import { PSK_CIPHERS } from '../protocol/imap/server/server';

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

export type { Attempt } from '../protocol/imap/client/outcome-client';

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

export class CpmClient extends OutcomeImapClient {
  private constructor(
    client: OutcomeImapClient['client'],
    connectError: string | undefined,
    /** no TCP connection or no greeting at all */
    readonly unreachable: boolean,
    tls: ConnectionOptions,
  ) {
    super(client, connectError, tls);
  }

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
    const actor = o.actor ?? 'CPM Client';
    if (o.psk) o.transcript.record({ actor, channel: 'tls', dir: 'event', text: `PSK-TLS (${o.psk.version}) as identity "${o.psk.identity}"` });
    const c = await OutcomeImapClient.connect({ ...o, actor, peer: 'Message Storage Server', timeoutMs: o.timeoutMs ?? 3000 }, tls);
    return c.client ? new CpmClient(c.client, undefined, false, tls) : new CpmClient(undefined, reason(c.error), unreachable(c.error), tls);
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

  /** One tagged command; 'closed' when there is no connection (any more), 'timeout' when no answer came. */
  async command(line: string): Promise<'OK' | 'NO' | 'BAD' | 'closed' | 'timeout'> {
    if (!this.client) return 'closed';
    try {
      return (await this.client.command(line)).status;
    } catch (err) {
      return err instanceof TimeoutError ? 'timeout' : 'closed';
    }
  }
}
