/** An SMSC on 127.0.0.1:0 with a few accounts, and a raw SMPP socket for hostile-input tests. */
import net from 'node:net';
import { Smsc, type SmscOptions } from '../../../simulators/smsc';
import { Esme, type EsmeOptions } from '../../../simulators/protocol/smpp/esme';
import { PduFramer } from '../../../simulators/protocol/smpp/framing';
import { decodePdu, type Pdu } from '../../../simulators/protocol/smpp/pdu';

export const SERVER = { systemId: 'evvm-server', password: 'srv-pw1', addr: '94183' };
export const ALICE = { systemId: 'ms15550001', password: 'al-pw', addr: '15550001' };
export const BOB = { systemId: 'ms15550002', password: 'bo-pw', addr: '15550002' };
export const SPOOFER = { systemId: 'bulk-sms', password: 'sp-pw', addr: '15559999' };

export interface Started {
  smsc: Smsc;
  port: number;
  tlsPort?: number;
  esme(options?: Partial<EsmeOptions>): Promise<Esme>;
  stop(): Promise<void>;
}

export async function startSmsc(options: Partial<SmscOptions> = {}): Promise<Started> {
  const smsc = new Smsc({
    listen: { plain: true, ...(options.listen ?? {}) },
    accounts: [
      { systemId: SERVER.systemId, password: SERVER.password, kind: 'esme', addresses: [{ addr: SERVER.addr, ton: 3, npi: 0 }] },
      { systemId: ALICE.systemId, password: ALICE.password, kind: 'handset', addresses: [{ addr: ALICE.addr, ton: 1, npi: 1 }] },
      { systemId: BOB.systemId, password: BOB.password, kind: 'handset', addresses: [{ addr: BOB.addr, ton: 1, npi: 1 }] },
      { systemId: SPOOFER.systemId, password: SPOOFER.password, kind: 'esme', addresses: [{ addr: SPOOFER.addr, ton: 1, npi: 1 }] },
    ],
    ...options,
  });
  const ports = await smsc.start();
  const opened: Esme[] = [];
  return {
    smsc,
    port: ports.smpp!,
    ...(ports.smpps !== undefined ? { tlsPort: ports.smpps } : {}),
    esme: async (o = {}) => {
      const e = await Esme.connect({ host: '127.0.0.1', port: ports.smpp!, ...o });
      opened.push(e);
      return e;
    },
    stop: async () => {
      await Promise.all(opened.map((e) => e.close()));
      await smsc.stop();
    },
  };
}

/** A socket that writes raw octets and collects what comes back, decoded where it decodes. */
export class RawPeer {
  readonly pdus: Pdu[] = [];
  closed = false;
  private readonly framer = new PduFramer(1 << 20);
  private waiters: Array<() => void> = [];

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) =>
      this.framer.push(
        chunk,
        (frame) => {
          try {
            this.pdus.push(decodePdu(frame));
          } catch {
            // what the SMSC sends always decodes; a failure here fails the assertions that follow
          }
          this.wake();
        },
        () => undefined,
      ),
    );
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
  }

  static connect(port: number): Promise<RawPeer> {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1', () => resolve(new RawPeer(s)));
      s.once('error', reject);
    });
  }

  write(octets: Buffer): void {
    this.socket.write(octets);
  }

  /** Waits until `n` PDUs arrived, or the connection closed, or the timeout passed. */
  async waitFor(n: number, timeoutMs = 2000): Promise<Pdu[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.pdus.length < n && !this.closed && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return this.pdus;
  }

  /** Waits for the SMSC to close the connection. */
  async waitClosed(timeoutMs = 2000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed && Date.now() < deadline) await this.waitFor(this.pdus.length + 1, deadline - Date.now());
    return this.closed;
  }

  destroy(): void {
    this.socket.destroy();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}

/** A PDU header followed by a body, with command_length computed (or forced). */
export function rawPdu(commandId: number, sequence: number, body: Buffer = Buffer.alloc(0), forcedLength?: number): Buffer {
  const h = Buffer.alloc(16);
  h.writeUInt32BE(forcedLength ?? 16 + body.length, 0);
  h.writeUInt32BE(commandId >>> 0, 4);
  h.writeUInt32BE(0, 8);
  h.writeUInt32BE(sequence, 12);
  return Buffer.concat([h, body]);
}

export const cstr = (s: string): Buffer => Buffer.concat([Buffer.from(s, 'latin1'), Buffer.from([0])]);

/** A bind body: system_id, password, system_type, interface_version, addr_ton, addr_npi, address_range. */
export function bindBody(systemId: string, password: string): Buffer {
  return Buffer.concat([cstr(systemId), cstr(password), cstr(''), Buffer.from([0x34, 0, 0]), cstr('')]);
}

/** A submit_sm body to `dest` carrying `text` (sm_length from the text unless forced). */
export function submitBody(dest: string, text: string, smLength?: number, source = ''): Buffer {
  const sm = Buffer.from(text, 'latin1');
  return Buffer.concat([cstr(''), Buffer.from([0, 0]), cstr(source), Buffer.from([1, 1]), cstr(dest), Buffer.from([0, 0, 0]), cstr(''), cstr(''), Buffer.from([0, 0, 0, 0, smLength ?? sm.length]), sm]);
}
