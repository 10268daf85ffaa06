/**
 * SMTP: a listener that takes mail without TLS. Inputs are commands and whole transactions (bare LF
 * and bare CR bodies, dot lines, pipelining, many recipients, SMTP AUTH) that a mutator damages; each
 * starts with RSET and ends with a NOOP, whose `250 OK` must come back.
 */
import { sharedTestPki } from '../../simulators/crypto/pki';
import { SmtpListener } from '../../simulators/protocol/smtp/server';
import type { Rng } from '../rng';
import type { Driver, Fed, Target } from '../runner';
import { RawSession } from '../session';

const PASSWORD = 'fuzz-Smtp-Secret-2';

function address(r: Rng): string {
  return r.pick(['<a@example.net>', '<evvm@op.example>', '<>', `<${r.text(r.size(80))}>`, r.text(r.size(40)), `<a@example.net> SIZE=${r.int(1e9)}`, '<a@example.net> BODY=8BITMIME']);
}

function body(r: Rng): string {
  let b = '';
  for (let n = r.size(30); n > 0; n--) b += r.pick(['line', '\n', '\r', '\r\n', '.', '..', '\n.\n', '\r.\r', '\r\n..\r\n', 'x'.repeat(r.size(3000)), r.text(r.size(100))]);
  return b;
}

function input(r: Rng): string {
  const pieces: string[] = [];
  for (let n = 1 + (r.chance(0.3) ? r.int(4) : 0); n > 0; n--) {
    switch (r.int(6)) {
      case 0:
        pieces.push(`${r.pick(['EHLO', 'HELO', 'RSET', 'VRFY', 'HELP', 'EXPN', 'QUIT'])} ${r.text(r.size(60))}\r\n`);
        break;
      case 1:
        pieces.push(`AUTH ${r.pick(['PLAIN', 'LOGIN', 'CRAM-MD5', r.text(8)])} ${r.pick([Buffer.from(`\0u\0${PASSWORD}`).toString('base64'), r.text(r.size(200)), ''])}\r\n*\r\n`);
        break;
      case 2: {
        let envelope = `MAIL FROM:${address(r)}\r\n`;
        for (let k = 1 + r.size(120); k > 0; k--) envelope += `RCPT TO:${address(r)}\r\n`;
        pieces.push(`${r.chance(0.3) ? r.mutate(envelope) : envelope}DATA\r\n${body(r)}\r\n.\r\nRSET\r\n`);
        break;
      }
      case 3:
        pieces.push(`MAIL FROM:${address(r)}\r\nRCPT TO:${address(r)}\r\nRSET\r\n`);
        break;
      case 4:
        pieces.push(`${r.text(r.size(20_000))}\r\n`);
        break;
      default:
        pieces.push(`${r.mutate(r.pick(['MAIL FROM:<a@b>', 'RCPT TO:<c@d>', 'EHLO fuzz.example', 'BDAT 10', 'NOOP x']))}\r\n`);
    }
  }
  return pieces.join('');
}

class SmtpDriver implements Driver {
  private session: RawSession | undefined;

  constructor(
    private readonly listener: SmtpListener,
    private readonly port: number,
    private readonly prober: RawSession,
  ) {}

  private async open(): Promise<RawSession> {
    if (this.session && !this.session.closed) return this.session;
    const s = await RawSession.open(this.port);
    await s.until((t) => /^220 /m.test(t), 2000);
    s.write('EHLO fuzz.example\r\n');
    await s.until((t) => /^250 /m.test(t), 2000);
    s.take();
    this.session = s;
    return s;
  }

  async feed(r: Rng): Promise<Fed> {
    const s = await this.open();
    s.write(`RSET\r\n${input(r)}NOOP\r\n`);
    const got = await s.until((t) => /(^|\n)250 OK\r\n/.test(t), 3000);
    s.take();
    if (got === 'timeout') {
      s.destroy();
      return 'unanswered';
    }
    return 'answered';
  }

  async probe(): Promise<void> {
    this.prober.write('NOOP\r\n');
    const got = await this.prober.until((t) => /(^|\n)250 OK\r\n/.test(t), 10_000);
    this.prober.take();
    if (got !== true) throw new Error(`probe session: ${got}`);
  }

  async stop(): Promise<void> {
    this.session?.destroy();
    this.prober.destroy();
    await this.listener.stop();
  }
}

export const smtpTarget: Target = {
  name: 'smtp',
  async start() {
    const pki = await sharedTestPki();
    const leaf = pki.leaf('forwarding-gateway');
    const listener = new SmtpListener({
      actor: 'Forwarding Gateway',
      peer: 'fuzzer',
      name: 'forwarding-gateway.op.example',
      listen: { starttls: true },
      tls: { key: leaf.keyPem, cert: leaf.chainPem },
      clientPolicy: { mutualAuth: false, trustAnchors: pki.rootPem, peerIdentities: [] },
      auth: { mechanisms: ['PLAIN', 'LOGIN'], required: false, verify: (u, p) => (p === PASSWORD ? u : undefined) },
      allowInsecureAuth: () => true,
      requireTls: () => false,
      maxMessageBytes: 64 * 1024,
      onMessage: () => undefined,
    });
    const { smtp } = await listener.start();
    const prober = await RawSession.open(smtp!);
    await prober.until((t) => /^220 /m.test(t), 2000);
    prober.write('EHLO probe.example\r\n');
    await prober.until((t) => /^250 /m.test(t), 2000);
    prober.take();
    return new SmtpDriver(listener, smtp!, prober);
  },
};
