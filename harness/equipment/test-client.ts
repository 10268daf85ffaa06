import type { ConnectionOptions } from 'node:tls';
import type { TranscriptSink } from '../../evidence/transcript';
import type { Endpoint, Transport } from '../topology/roles';
import { OutcomeImapClient, reason, type Attempt } from '../../simulators/protocol/imap/client/outcome-client';

/** The tag of the LOGIN pipelined behind STARTTLS: the client never sends it otherwise. */
const PIPELINED_TAG = 'inj1';

/** How a server answered an authentication attempt, or why there was no answer. */
export type LoginAttempt = Attempt;

export interface TestClientOptions {
  endpoint: Endpoint;
  transport: Transport;
  trustAnchorPem: string;
  certificate?: { chainPem: string; keyPem: string };
  transcript: TranscriptSink;
  actor?: string;
}

/**
 * The harness's own IMAP client (test equipment, not a role): drives the server under test through the
 * flows imapflow cannot produce and reports outcomes instead of throwing, because for a conformance
 * check "the connection was closed" is an answer, not an accident.
 */
export class TestClient extends OutcomeImapClient {
  static async open(options: TestClientOptions): Promise<TestClient> {
    const tls: ConnectionOptions = {
      ca: options.trustAnchorPem,
      servername: options.endpoint.servername,
      rejectUnauthorized: true,
      ...(options.certificate ? { cert: options.certificate.chainPem, key: options.certificate.keyPem } : {}),
    };
    const c = await OutcomeImapClient.connect({ ...options, actor: options.actor ?? 'Test Client', timeoutMs: 3000 }, tls);
    return c.client ? new TestClient(c.client, undefined, tls) : new TestClient(undefined, reason(c.error), tls);
  }

  /**
   * STARTTLS with a LOGIN pipelined behind it in the same write, before the handshake (the injection of
   * STD-03): why no TLS session followed, undefined when one did. `pipelinedAnswer()` says whether the
   * server answered the LOGIN inside TLS.
   */
  starttlsWithPipelinedLogin(username: string, password: string): Promise<string | undefined> {
    return this.starttls(`${PIPELINED_TAG} LOGIN ${quote(username)} ${quote(password)}`);
  }

  /** The server's answer to the LOGIN pipelined behind STARTTLS, if it gave one. */
  pipelinedAnswer(): Promise<string | undefined> {
    return this.answerTo(PIPELINED_TAG);
  }

  /** Opens a mailbox by an identifier, in the namespace of identifiers ("#id/<identifier>/INBOX"). */
  selectByIdentifier(identifier: string): Promise<'OK' | 'NO' | 'BAD' | 'closed'> {
    return this.select(`#id/${identifier}/INBOX`);
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

  /** The server's answer to a tag this client did not send (e.g. one pipelined behind STARTTLS), if any. */
  private async answerTo(tag: string): Promise<string | undefined> {
    if (!this.client) return undefined;
    try {
      await this.client.noop(); // a round trip, so an answer already in flight has arrived
    } catch {
      // a closed connection answers nothing more
    }
    return this.client.anomalies.find((a) => a.includes(tag));
  }

  async logout(): Promise<void> {
    try {
      await this.client?.logout();
    } catch {
      // a server that drops the connection on LOGOUT has still logged us out
    }
  }
}

export function quote(s: string): string {
  return '"' + s.replace(/["\\]/g, (c) => '\\' + c) + '"';
}
