/**
 * Standard SMTP clients against the simulators as `simulate` serves them (the ready line of design.md):
 * swaks and openssl s_client -starttls smtp deliver a voicemail to the Forwarding Gateway and the Non-OMA
 * VM Service with a valid client certificate, and are refused without one (the default policy requires
 * it). swaks is a Debian package (.ci/run installs it); without it those tests skip with a message.
 */
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { vpimMessage } from '../../simulators/protocol/smtp/vpim';

interface Ready {
  endpoints: { smtp: string; smtps: string; servername: string; control: string };
  trust: { ca: string; clientCert: string; clientKey: string };
}

const MAIN = path.resolve(__dirname, '../../harness/cli/main.js');

async function simulate(role: string): Promise<{ ready: Ready; child: ChildProcessWithoutNullStreams }> {
  const child = spawn(process.execPath, [MAIN, 'simulate', role], { stdio: ['pipe', 'pipe', 'pipe'] });
  const ready = await new Promise<Ready>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`simulate ${role}: no ready line`)), 15_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        resolve(JSON.parse(out.slice(0, nl)) as Ready);
      }
    });
    child.on('exit', (code) => reject(new Error(`simulate ${role} exited ${code}`)));
  });
  return { ready, child };
}

function stop(child: ChildProcessWithoutNullStreams): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 3000).unref();
  });
}

const available = (cmd: string, arg: string): Promise<boolean> => new Promise((resolve) => execFile(cmd, [arg], (err) => resolve(!err)));

function run(cmd: string, args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: 15_000 }, (err, stdout, stderr) => {
      const status = (err as { code?: unknown } | null)?.code;
      resolve({ code: err ? (typeof status === 'number' ? status : -1) : 0, out: String(stdout) + String(stderr) });
    });
  });
}

/** Drives openssl s_client -starttls smtp one command at a time (DATA cannot be pipelined). */
function sclient(ready: Ready, withCert: boolean, lines: string[]): Promise<string[]> {
  const [host, port] = ready.endpoints.smtp.split(':');
  const args = ['s_client', '-starttls', 'smtp', '-name', 'evvm-server.op.example', '-connect', `${host}:${port}`, '-servername', ready.endpoints.servername, '-CAfile', ready.trust.ca, '-verify_return_error', '-crlf', '-quiet'];
  if (withCert) args.push('-cert', ready.trust.clientCert, '-key', ready.trust.clientKey);
  return new Promise((resolve) => {
    const p = spawn('openssl', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const replies: string[] = [];
    let buf = '';
    let next = 0;
    const send = (): void => {
      if (next < lines.length) p.stdin.write(lines[next++] + '\n');
      else p.stdin.end();
    };
    p.stdout.on('data', (d: Buffer) => {
      buf += d.toString('latin1');
      let m: RegExpExecArray | null;
      while ((m = /^(\d{3}) .*\r?\n/m.exec(buf))) {
        replies.push(m[0].trim());
        buf = buf.slice(m.index + m[0].length);
        if (Number(m[1]) >= 500) p.stdin.end();
        else send();
      }
    });
    p.stdin.on('error', () => undefined);
    const timer = setTimeout(() => p.kill('SIGKILL'), 10_000);
    p.on('close', () => {
      clearTimeout(timer);
      resolve(replies);
    });
    send();
  });
}

let dir: string;
const sims = new Map<string, Promise<Awaited<ReturnType<typeof simulate>>>>();
before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'smtp-interop-'));
  // both simulators start at once: each generates its own test PKI
  for (const role of ['forwarding-gateway', 'non-oma-vm']) sims.set(role, simulate(role));
});
after(async () => {
  await Promise.all([...sims.values()].map(async (s) => stop((await s).child).catch(() => undefined)));
  rmSync(dir, { recursive: true, force: true });
});

for (const [role, to] of [
  ['forwarding-gateway', 'bob.home@mail.example'],
  // swaks reads a leading '+' as an option prefix, so this subscriber number goes without it
  ['non-oma-vm', '15559001@legacy-vm.example'],
] as const) {
  describe(`simulate ${role}`, () => {
    let sim: Awaited<ReturnType<typeof simulate>>;
    let message: string;
    before(async () => {
      sim = await sims.get(role)!;
      message = path.join(dir, `${role}.eml`);
      writeFileSync(message, vpimMessage({ from: 'alice@op.example', to, messageId: `<${randomBytes(6).toString('hex')}@op.example>`, audio: randomBytes(300) }));
    });

    const swaks = (withCert: boolean) => {
      const [host, port] = sim.ready.endpoints.smtp.split(':');
      const args = ['--server', host!, '--port', port!, '--tls', '--tls-verify', '--tls-ca-path', sim.ready.trust.ca, '--tls-sni', sim.ready.endpoints.servername, '--ehlo', 'evvm-server.op.example', '--from', 'alice@op.example', '--to', to, '--data', message];
      if (withCert) args.push('--tls-cert', sim.ready.trust.clientCert, '--tls-key', sim.ready.trust.clientKey);
      return run('swaks', args);
    };

    it('swaks delivers with the client certificate and is refused without it', async (t) => {
      if (!(await available('swaks', '--version'))) return t.skip('swaks is not installed (apt-get install swaks)');
      const ok = await swaks(true);
      assert.equal(ok.code, 0, ok.out);
      assert.match(ok.out, /<~ {2}250 2\.0\.0 Accepted/);
      const refused = await swaks(false);
      assert.notEqual(refused.code, 0);
      assert.match(refused.out, /554 5\.7\.1 Client not authenticated: no certificate presented/);
    });

    it('openssl s_client -starttls smtp delivers with the client certificate and is refused without it', async () => {
      const body = `From: <alice@op.example>\nTo: <${to}>\nSubject: s_client\nMessage-ID: <sc@op.example>\nMIME-Version: 1.0\nContent-Type: multipart/voice-message; boundary="b"; version=2.0\n\n--b\nContent-Type: audio/32kadpcm\nContent-Transfer-Encoding: base64\n\nAAAA\n--b--\n.`;
      const ok = await sclient(sim.ready, true, ['EHLO evvm-server.op.example', 'MAIL FROM:<alice@op.example>', `RCPT TO:<${to}>`, 'DATA', body, 'QUIT']);
      assert.ok(ok.some((r) => /^250 2\.0\.0 Accepted/.test(r)), ok.join(' | '));
      const refused = await sclient(sim.ready, false, ['EHLO evvm-server.op.example', 'MAIL FROM:<alice@op.example>']);
      assert.ok(refused.some((r) => r.startsWith('554 5.7.1')), refused.join(' | '));
      assert.ok(!refused.some((r) => r.startsWith('250')), refused.join(' | '));
    });
  });
}
