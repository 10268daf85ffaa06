/**
 * IMAP: the EVVM Server's listener, before and after authentication. Inputs are commands from a
 * grammar (LIST patterns, nested lists, SEARCH keys, APPEND with odd MIME, STORE keywords, SASL) that a
 * mutator then damages; every input is followed by a tagged NOOP, which must be answered.
 */
import { sharedTestPki } from '../../simulators/crypto/pki';
import { EvvmServer } from '../../simulators/evvm-server';
import type { Rng } from '../rng';
import type { Driver, Fed, Target } from '../runner';
import { RawSession } from '../session';

const USER = 'tel:+15550001';
const PASSWORD = 'fuzz-Secret-1';

function pattern(r: Rng): string {
  let p = '';
  for (let n = r.size(40); n > 0; n--) p += r.pick(['*', '%', '#', '/', 'I', 'N', 'X', 'id', 'tel:+1555']);
  return p;
}

function nested(r: Rng, open: string): string {
  const depth = r.size(300);
  return `${open.repeat(depth)}x${r.chance(0.7) ? ')'.repeat(depth) : ''}`;
}

function searchKeys(r: Rng): string {
  const keys = ['ALL', 'SEEN', 'UNSEEN', 'NEW', 'TEXT "voice"', 'BODY "x"', 'HEADER Subject "V"', 'SINCE 1-Jan-2020', 'LARGER 10', 'UID 1:*', '1:*', 'KEYWORD k1'];
  const out: string[] = [];
  for (let n = 1 + r.int(4); n > 0; n--) {
    const k = r.pick(keys);
    out.push(r.chance(0.2) ? `${'NOT '.repeat(r.size(200))}${k}` : r.chance(0.2) ? `OR ${k} ${r.pick(keys)}` : r.chance(0.1) ? `(${k})` : k);
  }
  return out.join(' ');
}

function message(r: Rng): string {
  const params = Array.from({ length: r.size(20) }, () => (r.chance(0.5) ? `${r.text(r.size(30))}=${r.chance(0.5) ? `"${r.text(r.size(50))}"` : r.text(r.size(50))}` : r.text(r.size(5000)))).join('; ');
  const boundary = r.text(r.size(20));
  const multipart = r.chance(0.3);
  const head = `Subject: ${r.text(r.size(100))}\r\nContent-Type: ${multipart ? `multipart/mixed; boundary="${boundary}"` : `${r.pick(['text/plain', 'audio/amr', 'message/rfc822', r.text(10)])}; ${params}`}\r\n\r\n`;
  const body = multipart ? `--${boundary}\r\nContent-Type: text/plain; ${params}\r\n\r\nx\r\n--${boundary}--\r\n` : r.text(r.size(2000));
  return head + body;
}

const b64 = (s: string): string => Buffer.from(s, 'latin1').toString('base64');

/** One command (possibly with its literal), or a few pipelined. */
function command(r: Rng, authenticated: boolean): string {
  const t = `t${r.int(1000)}`;
  const pre = [
    () => `${t} LOGIN ${r.pick([USER, '"x"', r.text(r.size(100))])} ${r.pick([PASSWORD, '"wrong"', r.text(r.size(100))])}\r\n`,
    () => `${t} AUTHENTICATE ${r.pick(['PLAIN', 'LOGIN', 'CRAM-MD5', 'SCRAM-SHA-256', 'EXTERNAL', r.text(10)])} ${r.pick(['=', b64(`\0${USER}\0${r.text(10)}`), r.text(r.size(300))])}\r\n*\r\n`,
    () => `${t} CAPABILITY\r\n`,
    () => `${t} ID ${nested(r, '(')}\r\n`,
    () => `${t} ID ("name" "${r.text(r.size(200))}")\r\n`,
    () => r.text(r.size(3000)) + '\r\n',
  ];
  const post = [
    () => `${t} LIST "${r.pick(['', '#id/', r.text(5)])}" "${pattern(r)}"\r\n`,
    () => `${t} LSUB "" "${pattern(r)}"\r\n`,
    () => `${t} SELECT ${r.pick(['INBOX', 'Greetings', `#id/${USER}/INBOX`, r.text(r.size(50))])}\r\n`,
    () => `${t} EXAMINE INBOX\r\n`,
    () => `${t} ${r.chance(0.5) ? 'UID ' : ''}SEARCH ${r.chance(0.2) ? 'CHARSET UTF-8 ' : ''}${searchKeys(r)}\r\n`,
    () => `${t} ${r.chance(0.5) ? 'UID ' : ''}FETCH ${r.pick(['1', '1:*', '*', '2:4', r.text(8)])} ${r.pick(['(FLAGS)', 'BODYSTRUCTURE', 'ENVELOPE', 'BODY.PEEK[HEADER]', 'BODY[1.MIME]', 'BODY.PEEK[HEADER.FIELDS (SUBJECT)]<0.10>', 'RFC822.SIZE', `(${r.text(r.size(40))})`])}\r\n`,
    () => `${t} STORE 1:* ${r.pick(['+', '-', ''])}FLAGS${r.chance(0.5) ? '.SILENT' : ''} (${Array.from({ length: r.size(300) }, (_, i) => r.chance(0.9) ? `k${i}` : r.pick(['\\Seen', '\\Deleted', r.text(5)])).join(' ')})\r\n`,
    () => {
      const m = message(r);
      return `${t} APPEND ${r.pick(['INBOX', 'Greetings'])} (${r.chance(0.5) ? '\\Seen' : ''}) {${Buffer.byteLength(m, 'latin1')}${r.chance(0.5) ? '+' : ''}}\r\n${m}\r\n`;
    },
    () => `${t} STATUS INBOX (${r.pick(['MESSAGES', 'UIDNEXT UNSEEN', r.text(10)])})\r\n`,
    () => `${t} ${r.pick(['NAMESPACE', 'CHECK', 'UNSELECT', 'EXPUNGE', 'CLOSE', 'LOGOUT'])}\r\n`,
  ];
  const make = r.pick(authenticated && r.chance(0.85) ? post : pre);
  let line = make();
  if (r.chance(0.3)) {
    // damaged: literals the mutation may have garbled are dropped, so no command waits for bytes that never come
    line = r.mutate(line).replace(/\{\d+\+?\}(\r?\n|$)/g, 'L$1');
    if (!line.endsWith('\n')) line += '\r\n';
  }
  return line;
}

class ImapDriver implements Driver {
  private sessions: { pre?: RawSession; post?: RawSession } = {};
  private sentinel = 0;

  constructor(
    private readonly server: EvvmServer,
    private readonly port: number,
    private readonly prober: RawSession,
  ) {}

  private async session(authenticated: boolean): Promise<RawSession> {
    const key = authenticated ? 'post' : 'pre';
    const open = this.sessions[key];
    if (open && !open.closed) return open;
    const s = await RawSession.open(this.port);
    await s.until((t) => t.includes('\r\n'), 2000);
    if (authenticated) {
      s.write(`a LOGIN "${USER}" "${PASSWORD}"\r\nb SELECT INBOX\r\n`);
      await s.until((t) => /^b /m.test(t), 2000);
    }
    s.take();
    this.sessions[key] = s;
    return s;
  }

  async feed(r: Rng): Promise<Fed> {
    const authenticated = r.chance(0.6);
    const s = await this.session(authenticated);
    let input = '';
    for (let n = 1 + (r.chance(0.2) ? r.int(4) : 0); n > 0; n--) input += command(r, authenticated);
    const tag = `zz${++this.sentinel}`;
    s.write(`${input}${tag} NOOP\r\n`);
    const re = new RegExp(`(^|\\n)${tag} `);
    const got = await s.until((t) => re.test(t), 3000);
    s.take();
    if (got === 'timeout') {
      s.destroy();
      return 'unanswered';
    }
    return 'answered';
  }

  async probe(): Promise<void> {
    const tag = `p${++this.sentinel}`;
    this.prober.write(`${tag} NOOP\r\n`);
    const re = new RegExp(`(^|\\n)${tag} OK`);
    const got = await this.prober.until((t) => re.test(t), 10_000);
    this.prober.take();
    if (got !== true) throw new Error(`probe session: ${got}`);
  }

  async stop(): Promise<void> {
    for (const s of [this.sessions.pre, this.sessions.post, this.prober]) s?.destroy();
    await this.server.stop();
  }
}

export const imapTarget: Target = {
  name: 'imap',
  async start() {
    const pki = await sharedTestPki();
    const leaf = pki.leaf('evvm-server');
    const server = new EvvmServer({
      listen: { starttls: true },
      tls: { key: leaf.keyPem, cert: leaf.chainPem, ca: pki.rootPem },
      policy: { requireTls: false, clientCertificate: 'optional', saslMechanisms: ['PLAIN', 'LOGIN', 'CRAM-MD5', 'SCRAM-SHA-256', 'EXTERNAL'], loginCommand: true },
      mailboxes: [{ identifiers: [USER, 'sip:alice@op.example', 'alice@op.example'], password: PASSWORD, state: 'active', voicemails: [{ raw: Buffer.from('Subject: Voice Message\r\nContent-Type: text/plain\r\n\r\nhello\r\n') }] }],
    });
    const { imap } = await server.start();
    const prober = await RawSession.open(imap!);
    await prober.until((t) => t.includes('\r\n'), 2000);
    prober.write(`p LOGIN "${USER}" "${PASSWORD}"\r\n`);
    await prober.until((t) => /^p OK/m.test(t), 2000);
    prober.take();
    return new ImapDriver(server, imap!, prober);
  },
};
