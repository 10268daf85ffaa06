/**
 * A third-party SMSC for the SMSC-under-test tests: built only on smpp 0.5.1 (farhadi/node-smpp), none of
 * this project's SMPP code. It binds ESMEs by system_id and password (held to SMPP's 16- and 9-octet
 * fields with the NUL), routes submit_sm by destination address to the session bound on that address
 * as deliver_sm, with the originator the network assigned, and answers enquire_link, on SMPP over TCP
 * and over TLS. Its misconfigurations are switches: any password binds, a claimed source address is
 * passed on.
 */
import type { AddressInfo } from 'node:net';
import * as smpp from 'smpp';

export interface PeerAccount {
  systemId: string;
  password: string;
  /** the address the account sends from and receives on: digits */
  address: string;
  /** type of number of that address: 1 international, 3 network-specific (a short code) */
  ton: number;
}

export interface PeerOptions {
  accounts: readonly PeerAccount[];
  tls: { key: string; cert: string };
  /** misconfigured: a known system_id binds with any password */
  anyPassword?: boolean;
  /** misconfigured: the source_addr an ESME claims is passed on */
  trustSourceAddr?: boolean;
}

const ESME_RINVSRCADR = 0x0a;
const ESME_RINVDSTADR = 0x0b;

// VVM text is ASCII: the library's GSM default would rewrite '@' and '_' on the way through
(smpp as unknown as { encodings: { default: string } }).encodings.default = 'LATIN1';

/** The octets of a short_message as the library decoded it (UDH and text), put back together. */
function rawShortMessage(sm: unknown): Buffer {
  if (Buffer.isBuffer(sm)) return sm;
  const { udh, message } = sm as { udh?: Buffer[]; message: Buffer | string };
  const text = Buffer.isBuffer(message) ? message : Buffer.from(message, 'latin1');
  if (!udh?.length) return text;
  const ies = Buffer.concat(udh);
  return Buffer.concat([Buffer.from([ies.length]), ies, text]);
}

export async function startThirdPartySmsc(o: PeerOptions): Promise<{ ports: { smpp: number; smpps: number }; stop(): Promise<void> }> {
  const bound = new Map<smpp.Session, PeerAccount>();

  const serve = (session: smpp.Session): void => {
    session.on('error', () => session.destroy());
    const bind = (pdu: smpp.PDU): void => {
      const systemId = String(pdu.system_id ?? '');
      const password = String(pdu.password ?? '');
      const account = o.accounts.find((a) => a.systemId === systemId);
      let status = smpp.ESME_ROK;
      if (bound.has(session)) status = smpp.ESME_RINVBNDSTS;
      else if (Buffer.byteLength(systemId) > 15 || !account) status = smpp.ESME_RINVSYSID;
      else if (Buffer.byteLength(password) > 8 || (!o.anyPassword && password !== account.password)) status = smpp.ESME_RINVPASWD;
      if (status === smpp.ESME_ROK) bound.set(session, account!);
      session.send(pdu.response({ command_status: status, system_id: 'PEER-SMSC' }));
    };
    for (const kind of ['bind_transceiver', 'bind_transmitter', 'bind_receiver']) session.on(kind, bind);
    session.on('enquire_link', (pdu: smpp.PDU) => session.send(pdu.response()));
    session.on('unbind', (pdu: smpp.PDU) => {
      bound.delete(session);
      session.send(pdu.response());
      session.close();
    });
    session.on('close', () => bound.delete(session));
    session.on('submit_sm', (pdu: smpp.PDU) => {
      const from = bound.get(session);
      if (!from) return void session.send(pdu.response({ command_status: smpp.ESME_RINVBNDSTS }));
      const claimed = String(pdu.source_addr ?? '');
      if (claimed && claimed !== from.address && !o.trustSourceAddr) return void session.send(pdu.response({ command_status: ESME_RINVSRCADR }));
      const dest = String(pdu.destination_addr ?? '').replace(/^\+/, '');
      const to = [...bound].find(([, a]) => a.address === dest)?.[0];
      if (!to) return void session.send(pdu.response({ command_status: ESME_RINVDSTADR }));
      const source = claimed && o.trustSourceAddr ? { addr: claimed, ton: Number(pdu.source_addr_ton ?? 0) } : { addr: from.address, ton: from.ton };
      session.send(pdu.response({ message_id: String(Date.now()) }));
      to.deliver_sm({
        source_addr_ton: source.ton,
        source_addr_npi: source.ton === 1 ? 1 : 0,
        source_addr: source.addr,
        dest_addr_ton: pdu.dest_addr_ton,
        dest_addr_npi: pdu.dest_addr_npi,
        destination_addr: dest,
        esm_class: pdu.esm_class,
        data_coding: pdu.data_coding,
        short_message: rawShortMessage(pdu.short_message),
      });
    });
  };

  const plain = smpp.createServer({}, serve);
  const secure = smpp.createServer({ key: o.tls.key, cert: o.tls.cert }, serve);
  const listen = (s: smpp.Server): Promise<number> => new Promise((resolve) => s.listen(0, '127.0.0.1', () => resolve((s.address() as AddressInfo).port)));
  const ports = { smpp: await listen(plain), smpps: await listen(secure) };
  const close = (s: smpp.Server): Promise<void> =>
    new Promise((resolve) => {
      for (const session of s.sessions) session.destroy();
      s.close(() => resolve());
    });
  return { ports, stop: async () => void (await Promise.all([close(plain), close(secure)])) };
}
