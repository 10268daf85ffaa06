/**
 * Benchmark: routed SMPP throughput of `simulate smsc` (its own process, as users run it) on loopback:
 * ESME A submits submit_sm to ESME B's address, the SMSC answers submit_sm_resp and routes a deliver_sm
 * to B, B answers deliver_sm_resp; a message counts when both its acknowledgements arrived, with at most
 * --window messages outstanding. In the same run, the same load generator drives the smpp 0.5.1
 * package's own server (also its own process), which merely acknowledges each submit_sm: the bare
 * acknowledgement rate to compare with. Prints both rates; timing never decides a test.
 *
 *   npm run bench:smpp -- [--messages 200000] [--window 512] [--warmup 20000]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { Esme } from '../simulators/protocol/smpp/esme';
import { STATUS } from '../simulators/protocol/smpp/constants';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

interface Ready {
  port: number;
  a: { systemId: string; password: string };
  b: { systemId: string; password: string; address: string };
}

/** Starts a child and resolves with its first stdout line, parsed as JSON. */
function child(args: string[]): Promise<{ proc: ChildProcess; ready: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    const lines = readline.createInterface({ input: proc.stdout! });
    lines.once('line', (line) => {
      try {
        resolve({ proc, ready: JSON.parse(line) as Record<string, unknown> });
      } catch (err) {
        reject(err);
      }
    });
    proc.once('exit', (code) => reject(new Error(`child exited with ${code} before its ready line`)));
  });
}

/** The bare server: smpp 0.5.1 acknowledging bind and submit_sm, nothing else (run as a child). */
function bareServer(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only in the child
  const smpp = require('smpp') as typeof import('smpp');
  let id = 0;
  const server = smpp.createServer({}, (session) => {
    session.on('error', () => session.destroy()); // stack.md §2.3: an unhandled session error kills the process
    for (const bind of ['bind_transmitter', 'bind_receiver', 'bind_transceiver']) session.on(bind, (pdu: import('smpp').PDU) => session.send(pdu.response({ system_id: 'bare' })));
    session.on('submit_sm', (pdu: import('smpp').PDU) => session.send(pdu.response({ message_id: (++id).toString(16) })));
    session.on('enquire_link', (pdu: import('smpp').PDU) => session.send(pdu.response()));
    session.on('unbind', (pdu: import('smpp').PDU) => {
      session.send(pdu.response());
      session.close();
    });
  });
  server.listen(0, '127.0.0.1', () => process.stdout.write(JSON.stringify({ port: (server.address() as import('node:net').AddressInfo).port }) + '\n'));
}

const TEXT = Buffer.from('//VVM:SYNC:ev=NM;id=1;c=1;t=v;s=+15557777;dt=22/11/2026 09:00 +0000;l=30', 'latin1');

/**
 * One load run: `count` submit_sm from `a` with at most `window` messages outstanding. A message
 * completes when its submit_sm_resp came and, when deliveries are counted, when as many deliver_sm
 * reached the receiver (both arrive in order, so the smaller count is the number completed).
 */
class Load {
  private sent = 0;
  private acked = 0;
  private delivered = 0;
  private errors = 0;
  private started = 0;
  private done!: (r: { ms: number; errors: number }) => void;
  private fail!: (e: Error) => void;

  constructor(
    private readonly a: Esme,
    private readonly to: string,
    private readonly count: number,
    private readonly window: number,
    private readonly countDeliveries: boolean,
  ) {}

  run(): Promise<{ ms: number; errors: number }> {
    return new Promise((resolve, reject) => {
      this.done = resolve;
      this.fail = reject;
      this.started = performance.now();
      this.pump();
    });
  }

  /** the receiver got a deliver_sm */
  deliveredOne(): void {
    this.delivered++;
    this.step();
  }

  private completed(): number {
    return this.countDeliveries ? Math.min(this.acked, this.delivered) : this.acked;
  }

  private pump(): void {
    while (this.sent < this.count && this.sent - this.completed() < this.window) {
      this.sent++;
      this.a.submitWith({ destAddr: this.to, shortMessage: TEXT }, (resp, err) => {
        if (!resp) return this.fail(err ?? new Error('no response'));
        if (resp.status !== STATUS.ESME_ROK) this.errors++;
        this.acked++;
        this.step();
      });
    }
  }

  private step(): void {
    if (this.completed() >= this.count) this.done({ ms: performance.now() - this.started, errors: this.errors });
    else this.pump();
  }
}

async function routed(ready: Ready, messages: number, window: number, warmup: number): Promise<number> {
  let load: Load | undefined;
  const b = await Esme.connect({
    host: '127.0.0.1',
    port: ready.port,
    window,
    onDeliver: () => {
      load?.deliveredOne();
      return STATUS.ESME_ROK;
    },
  });
  const bBound = await b.bind('receiver', ready.b);
  const a = await Esme.connect({ host: '127.0.0.1', port: ready.port, window });
  const aBound = await a.bind('transmitter', ready.a);
  if (aBound.status || bBound.status) throw new Error(`bind refused: ${aBound.statusName} / ${bBound.statusName}`);
  await (load = new Load(a, ready.b.address, warmup, window, true)).run();
  const run = await (load = new Load(a, ready.b.address, messages, window, true)).run();
  await Promise.all([a.unbind(), b.unbind()]);
  if (run.errors) throw new Error(`${run.errors} submit_sm refused`);
  return (messages / run.ms) * 1000;
}

async function bare(port: number, messages: number, window: number, warmup: number): Promise<number> {
  const a = await Esme.connect({ host: '127.0.0.1', port, window });
  await a.bind('transmitter', { systemId: 'bench', password: 'bench' });
  await new Load(a, '15550101', warmup, window, false).run();
  const run = await new Load(a, '15550101', messages, window, false).run();
  await a.close();
  return (messages / run.ms) * 1000;
}

async function main(): Promise<void> {
  if (process.argv.includes('--bare-server')) return bareServer();
  const messages = arg('messages', 200_000);
  const window = arg('window', 512);
  const warmup = arg('warmup', 20_000);
  const cli = path.resolve(__dirname, '../harness/cli/main.js');

  const smsc = await child([cli, 'simulate', 'smsc']);
  const bareChild = await child([__filename, '--bare-server']);
  try {
    const accounts = smsc.ready.accounts as Array<{ role: string; systemId: string; password: string; addresses: string[] }>;
    const demo = accounts.filter((x) => x.role === 'demo-esme');
    const endpoint = (smsc.ready.endpoints as Record<string, string>).smpp!;
    const ready: Ready = {
      port: Number(endpoint.split(':').pop()),
      a: { systemId: demo[0]!.systemId, password: demo[0]!.password },
      b: { systemId: demo[1]!.systemId, password: demo[1]!.password, address: demo[1]!.addresses[0]! },
    };
    const barePort = (bareChild.ready as { port: number }).port;
    process.stdout.write(`smpp-throughput: ${messages} messages, window ${window}, warm-up ${warmup} (node ${process.version})\n`);
    const routedRate = await routed(ready, messages, window, warmup);
    process.stdout.write(`routed (simulate smsc: submit_sm in, deliver_sm out, both acknowledged): ${Math.round(routedRate)} messages/s\n`);
    const bareRate = await bare(barePort, messages, window, warmup);
    process.stdout.write(`bare acknowledgement (smpp 0.5.1 server, submit_sm_resp only):          ${Math.round(bareRate)} messages/s\n`);
    process.stdout.write(`routed / bare: ${(routedRate / bareRate).toFixed(2)}\n`);
  } finally {
    smsc.proc.kill('SIGTERM');
    bareChild.proc.kill('SIGTERM');
  }
}

main().catch((err: Error) => {
  process.stderr.write(`smpp-throughput: ${err.message}\n`);
  process.exitCode = 2;
});
