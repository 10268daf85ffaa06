import type { ConnectionOptions } from 'node:tls';
import type { TranscriptSink } from '../evidence/transcript';
import type { Endpoint, Transport } from '../topology/roles';
import { RawImapClient } from '../../simulators/protocol/imap/client/raw-client';
import type { MechanismName } from '../../simulators/protocol/sasl/types';

/** How a server answered an authentication attempt, or why there was no answer. */
export interface LoginAttempt {
  status: 'OK' | 'NO' | 'BAD' | 'none';
  text: string;
}

export interface TestClientOptions {
  endpoint: Endpoint;
  transport: Transport;
  trustAnchorPem: string;
  certificate?: { chainPem: string; keyPem: string };
  transcript: TranscriptSink;
  actor?: string;
}

function reason(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as Error & { code?: string }).code;
    return code ? `${code}: ${err.message}` : err.message;
  }
  return String(err);
}

/**
 * The harness's own IMAP client (test equipment, not a role): drives the server under test through the
 * flows imapflow cannot produce and reports outcomes instead of throwing, because for a conformance
 * check "the connection was closed" is an answer, not an accident.
 */
export class TestClient {
  private constructor(
    private readonly options: TestClientOptions,
    readonly client: RawImapClient | undefined,
    /** why there is no connection, when there is none */
    readonly connectError: string | undefined,
  ) {}

  static async open(options: TestClientOptions): Promise<TestClient> {
    try {
      const client = await RawImapClient.connect({
        host: options.endpoint.host,
        port: options.endpoint.port,
        tls: options.transport === 'implicit-tls' ? 'implicit' : 'none',
        tlsOptions: TestClient.tlsOptions(options),
        actor: options.actor ?? 'Test Client',
        transcript: options.transcript,
        timeoutMs: 3000,
      });
      return new TestClient(options, client, undefined);
    } catch (err) {
      return new TestClient(options, undefined, reason(err));
    }
  }

  private static tlsOptions(options: TestClientOptions): ConnectionOptions {
    return {
      ca: options.trustAnchorPem,
      servername: options.endpoint.servername,
      rejectUnauthorized: true,
      ...(options.certificate ? { cert: options.certificate.chainPem, key: options.certificate.keyPem } : {}),
    };
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

  async starttls(): Promise<string | undefined> {
    if (!this.client) return this.connectError;
    try {
      await this.client.starttls(TestClient.tlsOptions(this.options));
      return undefined;
    } catch (err) {
      return reason(err);
    }
  }

  /** STARTTLS with a command pipelined behind it in the same write, before the handshake. */
  async starttlsWithInjection(injected: string): Promise<string | undefined> {
    if (!this.client) return this.connectError;
    try {
      await this.client.starttls(TestClient.tlsOptions(this.options), { pipelined: Buffer.from(injected + '\r\n') });
      return undefined;
    } catch (err) {
      return reason(err);
    }
  }

  async login(username: string, password: string): Promise<LoginAttempt> {
    if (!this.client) return { status: 'none', text: this.connectError ?? 'not connected' };
    try {
      const r = await this.client.login(username, password);
      return { status: r.status, text: r.text };
    } catch (err) {
      return { status: 'none', text: reason(err) };
    }
  }

  async authenticate(mechanism: MechanismName, credentials: { authcid: string; password?: string; authzid?: string }): Promise<LoginAttempt> {
    if (!this.client) return { status: 'none', text: this.connectError ?? 'not connected' };
    try {
      const r = await this.client.authenticate(mechanism, credentials);
      return { status: r.status, text: r.text };
    } catch (err) {
      return { status: 'none', text: reason(err) };
    }
  }

  /** Opens a mailbox; 'closed' when there is no connection to ask. */
  async select(mailbox: string): Promise<'OK' | 'NO' | 'BAD' | 'closed'> {
    if (!this.client) return 'closed';
    try {
      return (await this.client.command(`SELECT ${quote(mailbox)}`)).status;
    } catch {
      return 'closed';
    }
  }

  /** The Message-IDs of the messages in the selected mailbox. */
  async messageIds(): Promise<string[]> {
    if (!this.client) return [];
    try {
      const r = await this.client.command('FETCH 1:* (BODY.PEEK[HEADER])');
      if (r.status !== 'OK') return [];
      const ids: string[] = [];
      for (const line of r.untagged) {
        const m = /^Message-ID:\s*(<[^>\r\n]+>)/im.exec(line);
        if (m) ids.push(m[1]!);
      }
      return ids;
    } catch {
      return [];
    }
  }

  /** Whether the server ever answered a tag this client did not send (e.g. one pipelined behind STARTTLS). */
  async answeredTag(tag: string): Promise<boolean> {
    if (!this.client) return false;
    try {
      await this.client.noop(); // a round trip, so an answer already in flight has arrived
    } catch {
      // a closed connection answers nothing more
    }
    return this.client.anomalies.some((a) => a.includes(tag));
  }

  async logout(): Promise<void> {
    try {
      await this.client?.logout();
    } catch {
      // a server that drops the connection on LOGOUT has still logged us out
    }
  }

  close(): void {
    this.client?.close();
  }
}

export function quote(s: string): string {
  return '"' + s.replace(/["\\]/g, (c) => '\\' + c) + '"';
}
