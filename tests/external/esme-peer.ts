/**
 * A third-party EVVM Server SMS interface for the ESME-under-test tests: built only on smpp 0.5.1
 * (farhadi/node-smpp), none of this project's SMPP or VVM code. A control endpoint (POST /trigger, what
 * the profile's trigger command calls with curl) makes it bind to the SMSC it is told, or send a SYNC for
 * a voicemail left for a subscriber; it answers the MO commands Activate, Deactivate and STATUS (case
 * sensitive) with a VVM STATUS as a data SMS to the application port. Its misconfigurations are
 * switches: it binds on the plain port although TLS is available, or its STATUS gives strangers and
 * blocked subscribers credentials.
 */
import http from 'node:http';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import * as smpp from 'smpp';

export interface EsmeSubscriber {
  msisdn: string;
  password: string;
  blocked: boolean;
}

export interface EsmePeerOptions {
  /** by MSISDN digits */
  subscribers: Record<string, EsmeSubscriber>;
  port: number;
  /** misconfigured: binds over plain TCP although the SMSC offers TLS */
  plainBind?: boolean;
  /** misconfigured: a STATUS for an unknown or blocked number carries a password */
  leakyStatus?: boolean;
}

interface Trigger {
  event: 'bind' | 'deposit';
  smppPort?: string;
  smppsPort?: string;
  servername?: string;
  trustAnchor?: string;
  systemId?: string;
  password?: string;
  msisdn?: string;
}

const udhPort = (port: number): Buffer => Buffer.from([0x06, 0x05, 0x04, port >> 8, port & 0xff, 0x00, 0x00]);

export async function startThirdPartyEsme(o: EsmePeerOptions): Promise<{ control: string; stop(): Promise<void> }> {
  let session: smpp.Session | undefined;
  const active = new Map(Object.keys(o.subscribers).map((m) => [m, true]));
  let uid = 100;

  const send = (to: string, text: string): Promise<void> =>
    new Promise((resolve) => {
      if (!session) return resolve();
      session.submit_sm({ destination_addr: to, dest_addr_ton: 1, dest_addr_npi: 1, esm_class: 0x40, data_coding: 0x04, short_message: Buffer.concat([udhPort(o.port), Buffer.from(text, 'latin1')]) }, () => resolve());
    });

  const status = (from: string): string => {
    const s = o.subscribers[from];
    const leak = o.leakyStatus ? ';u=tel:+' + from + ';pw=' + Object.values(o.subscribers)[0]!.password : '';
    if (!s) return `//VVM:STATUS:st=U;rc=2${leak}`;
    if (s.blocked) return `//VVM:STATUS:st=B;rc=0${leak}`;
    return `//VVM:STATUS:st=R;rc=0;srv=evvm-server.op.example;ipt=10993;u=tel:${s.msisdn};pw=${s.password};lang=eng`;
  };

  const mo = (pdu: smpp.PDU): void => {
    session?.send(pdu.response());
    const from = String(pdu.source_addr ?? '').replace(/^\+/, '');
    const sm = pdu.short_message as { message?: Buffer | string } | Buffer;
    const raw = Buffer.isBuffer(sm) ? sm : sm.message ?? '';
    const text = Buffer.isBuffer(raw) ? raw.toString('latin1') : raw;
    const command = /^(Activate|Deactivate|STATUS)(?::|$)/.exec(text)?.[1];
    if (command === 'Activate' && o.subscribers[from] && !o.subscribers[from]!.blocked) active.set(from, true);
    if (command === 'Deactivate') active.set(from, false);
    if (command && command !== 'Deactivate') void send(from, status(from));
  };

  const bind = (t: Trigger): Promise<void> =>
    new Promise((resolve, reject) => {
      const tls = !o.plainBind && !!t.smppsPort;
      const s = smpp.connect(
        tls ? { host: '127.0.0.1', port: Number(t.smppsPort), tls: true, ca: readFileSync(t.trustAnchor!), servername: t.servername! } : { host: '127.0.0.1', port: Number(t.smppPort) },
        () => s.bind_transceiver({ system_id: t.systemId, password: t.password, system_type: 'VVM' }, (r) => (r.command_status === smpp.ESME_ROK ? resolve() : reject(new Error(`bind refused ${r.command_status}`)))),
      );
      s.on('error', reject);
      s.on('deliver_sm', mo);
      s.on('enquire_link', (pdu: smpp.PDU) => s.send(pdu.response()));
      session?.destroy();
      session = s;
    });

  const deposit = async (msisdn: string): Promise<void> => {
    const to = msisdn.replace(/^\+/, '');
    if (!active.get(to)) return;
    await send(to, `//VVM:SYNC:ev=NM;id=${++uid};c=1;t=v;s=+15557777;dt=07/12/2026 21:00 +0000;l=30`);
  };

  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString('utf8')));
    req.on('end', () => {
      const t = JSON.parse(body) as Trigger;
      (t.event === 'bind' ? bind(t) : deposit(t.msisdn ?? '')).then(
        () => res.end('done\n'),
        (e: Error) => {
          res.statusCode = 500;
          res.end(`${e.message}\n`);
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    control: `http://127.0.0.1:${(server.address() as AddressInfo).port}/trigger`,
    stop: async () => {
      session?.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
