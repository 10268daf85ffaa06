/**
 * A device for the trigger.sms tests, built from third-party parts only: its radio side is an ESME on
 * smpp 0.5.1 (farhadi/node-smpp) bound to the SMSC on a fixed port with the device's account (bound
 * again whenever the SMSC of a new scenario comes up); on a VVM STATUS it fetches the voicemail with
 * curl from the server the STATUS names (srv, ipt, u, pw), trusting only the CA file it was given, or
 * nothing at all when misconfigured (--insecure).
 */
import { spawn } from 'node:child_process';
import * as smpp from 'smpp';

export interface SmsDeviceOptions {
  port: number;
  systemId: string;
  password: string;
  /** the CA file the harness writes (trigger.sms.trustAnchorFile) */
  caFile: string;
  /** misconfigured: curl does not verify the server */
  insecure?: boolean;
}

/** The fields of a //VVM:STATUS text. */
function statusFields(text: string): Map<string, string> | undefined {
  const m = /^\/\/VVM:STATUS:(.*)$/.exec(text);
  return m ? new Map(m[1]!.split(';').map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)] as [string, string])) : undefined;
}

export function startSmsDevice(o: SmsDeviceOptions): { stop(): void } {
  let stopped = false;
  let session: smpp.Session | undefined;
  const fetch = (f: Map<string, string>): void => {
    const [srv, ipt, u, pw] = ['srv', 'ipt', 'u', 'pw'].map((k) => f.get(k) ?? '');
    const args = ['-sS', '--max-time', '10', '--ssl-reqd', ...(o.insecure ? ['--insecure'] : ['--cacert', o.caFile]), '--connect-to', `${srv}:${ipt}:127.0.0.1:${ipt}`, `imaps://${encodeURIComponent(u!)}:${encodeURIComponent(pw!)}@${srv}:${ipt}/INBOX;UID=1`];
    spawn('curl', args, { stdio: 'ignore' }).on('error', () => undefined);
  };
  const connect = (): void => {
    if (stopped) return;
    const s = smpp.connect({ host: '127.0.0.1', port: o.port }, () => s.bind_transceiver({ system_id: o.systemId, password: o.password }));
    session = s;
    s.on('error', () => undefined);
    s.on('close', () => void setTimeout(connect, 200));
    s.on('enquire_link', (pdu: smpp.PDU) => s.send(pdu.response()));
    s.on('deliver_sm', (pdu: smpp.PDU) => {
      s.send(pdu.response());
      const sm = pdu.short_message as { message?: Buffer | string } | Buffer;
      const raw = Buffer.isBuffer(sm) ? sm : (sm.message ?? '');
      const fields = statusFields(Buffer.isBuffer(raw) ? raw.toString('latin1') : raw);
      if (fields?.get('st') === 'R') fetch(fields);
    });
  };
  connect();
  return {
    stop: () => {
      stopped = true;
      session?.destroy();
    },
  };
}
