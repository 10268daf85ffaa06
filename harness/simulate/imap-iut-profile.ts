import path from 'node:path';
import type { SimulateContext } from './registry';

/**
 * What `simulate message-storage|evvm-server --profile-out` writes: the iut: section of an IMAP server under
 * test (harness/profile/sections/iut/imap-server.ts) naming this simulator, with every secret as an environment
 * variable whose value goes to the env file only.
 */
export class ImapIutProfile {
  readonly env: Record<string, string> = {};

  constructor(private readonly ctx: SimulateContext) {}

  /** The variable that carries `value`: IUT_<ACCOUNT>_<WHAT>. */
  secret(account: string, what: string, value: string): string {
    const name = `IUT_${account.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_${what}`;
    this.env[name] = value;
    return name;
  }

  /** A certificate and key of the run's PKI, by leaf name (bad/… for the flawed twins). */
  private pair(name: string): { cert: string; key: string } {
    return { cert: path.join(this.ctx.pkiDir, `${name}.crt`), key: path.join(this.ctx.pkiDir, `${name}.key`) };
  }

  /** The capabilities section with the transports it serves: a fault may switch a listener off, and a vendor declares what it runs. */
  declares<C extends { transports: readonly string[] }>(capabilities: C, ports: { imaps?: number | undefined; imap?: number | undefined }): C {
    const port = { 'implicit-tls': ports.imaps, starttls: ports.imap } as Record<string, number | undefined>;
    return { ...capabilities, transports: capabilities.transports.filter((t) => port[t] !== undefined) };
  }

  /** The fields every IMAP server under test names: where it listens, whom it proves itself to be, the harness's client certificates. */
  endpoint(role: 'message-storage' | 'evvm-server', servername: string, ports: { imaps?: number | undefined; imap?: number | undefined }): Record<string, unknown> {
    return {
      role,
      host: this.ctx.host,
      servername,
      ports: Object.fromEntries(Object.entries(ports).filter(([, p]) => p !== undefined)),
      trustAnchor: path.join(this.ctx.pkiDir, 'ca.pem'),
      clientCertificate: this.pair('evvm-client'),
      badClientCertificates: { expired: this.pair('bad/evvm-client.expired'), revoked: this.pair('bad/evvm-client.revoked') },
    };
  }
}
