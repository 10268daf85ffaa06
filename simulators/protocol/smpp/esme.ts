/**
 * An SMPP v3.4 ESME (the client end): connects over TCP or TLS, binds with system_id and password,
 * submits short messages with a window of outstanding submit_sm, answers deliver_sm and enquire_link,
 * unbinds. The EVVM Server's SMS interface, the handsets' radio side, the SMS spoofer and the tests use
 * it; it can also send any PDU in any state (or raw octets), because negative tests need exactly that.
 */
import net from 'node:net';
import tls from 'node:tls';
import { nullSink, type TranscriptSink } from '../../../evidence/transcript';
import { SmppConnection, type ResponseCallback } from './connection';
import { INTERFACE_VERSION_34, STATUS, statusName } from './constants';
import { shortMessageDefaults, type BindCommand, type Pdu, type ShortMessageBody, type ShortMessagePdu } from './pdu';
import { tlsVersionFloor } from '../../crypto/tls-versions';
import { tlsHandshakeEvidence } from '../../../evidence/tls';

export interface EsmeOptions {
  host: string;
  port: number;
  /** TLS: the trust anchor and the name the SMSC's certificate must carry */
  tls?: tls.ConnectionOptions;
  actor?: string;
  peer?: string;
  transcript?: TranscriptSink;
  window?: number;
  responseTimeoutMs?: number;
  connectTimeoutMs?: number;
  /** renders message text for the transcript */
  text?: (body: ShortMessageBody) => string;
  /** answers a deliver_sm: the command_status of deliver_sm_resp (default ESME_ROK) */
  onDeliver?: (body: ShortMessageBody, pdu: ShortMessagePdu) => number | void;
}

export interface BindCredentials {
  systemId: string;
  password: string;
  systemType?: string;
  addressRange?: string;
  interfaceVersion?: number;
}

export interface BindOutcome {
  status: number;
  statusName: string;
  /** the SMSC's system_id, on success */
  systemId?: string;
}

export interface SubmitOutcome {
  status: number;
  statusName: string;
  messageId?: string;
}

let counter = 0;

export class Esme {
  readonly connection: SmppConnection;
  private bound: BindCommand | undefined;

  private constructor(
    socket: net.Socket,
    secure: boolean,
    private readonly options: EsmeOptions,
  ) {
    const conn = `esme-${++counter}`;
    if (socket instanceof tls.TLSSocket) {
      const shown = tlsHandshakeEvidence(socket, 'client');
      const text = `TLS ${shown.protocol ?? '?'} ${shown.cipher ?? '?'}; server certificate "${shown.peerCertificate?.subject ?? 'none'}"; ${shown.authorized ? 'authorized' : `NOT authorized (${shown.authorizationError ?? 'no verification'})`}`;
      (options.transcript ?? nullSink).record({ actor: options.actor ?? 'ESME', peer: options.peer ?? 'SMSC', channel: 'tls', dir: 'event', text, conn, tls: shown });
    }
    this.connection = new SmppConnection({
      socket,
      secure,
      actor: options.actor ?? 'ESME',
      peer: options.peer ?? 'SMSC',
      conn,
      transcript: options.transcript ?? nullSink,
      window: options.window ?? 64,
      responseTimeoutMs: options.responseTimeoutMs ?? 5000,
      ...(options.text ? { text: options.text } : {}),
    });
    this.connection.onPdu((pdu) => this.answer(pdu));
    if (secure) {
      const t = socket as tls.TLSSocket;
      const c = t.getCipher();
      this.connection.event(`TLS ${t.getProtocol() ?? 'unknown'} ${c.standardName ?? c.name}`);
    }
  }

  static connect(options: EsmeOptions): Promise<Esme> {
    return new Promise((resolve, reject) => {
      const timeout = options.connectTimeoutMs ?? 5000;
      const socket = options.tls
        ? tls.connect({ host: options.host, port: options.port, ...tlsVersionFloor(false), ...options.tls })
        : net.connect({ host: options.host, port: options.port });
      const ready = options.tls ? 'secureConnect' : 'connect';
      const timer = setTimeout(() => fail(new Error(`no connection to ${options.host}:${options.port} within ${timeout} ms`)), timeout);
      const fail = (err: Error): void => {
        clearTimeout(timer);
        socket.destroy();
        reject(err);
      };
      socket.once('error', fail);
      socket.once(ready, () => {
        clearTimeout(timer);
        socket.removeListener('error', fail);
        resolve(new Esme(socket, !!options.tls, options));
      });
    });
  }

  get isBound(): boolean {
    return this.bound !== undefined;
  }

  get isClosed(): boolean {
    return this.connection.isClosed;
  }

  async bind(kind: 'transmitter' | 'receiver' | 'transceiver', creds: BindCredentials): Promise<BindOutcome> {
    const command = `bind_${kind}` as const;
    const resp = await this.connection.requestAsync({
      command,
      status: 0,
      sequence: 0,
      body: {
        systemId: creds.systemId,
        password: creds.password,
        systemType: creds.systemType ?? '',
        interfaceVersion: creds.interfaceVersion ?? INTERFACE_VERSION_34,
        addrTon: 0,
        addrNpi: 0,
        addressRange: creds.addressRange ?? '',
      },
    });
    const outcome: BindOutcome = { status: resp.status, statusName: statusName(resp.status) };
    if ((resp.command === 'bind_transmitter_resp' || resp.command === 'bind_receiver_resp' || resp.command === 'bind_transceiver_resp') && resp.status === STATUS.ESME_ROK) {
      this.bound = command;
      if (resp.body) outcome.systemId = resp.body.systemId;
    }
    return outcome;
  }

  /** submit_sm; resolves with its response's status, never rejects for a protocol refusal. */
  submit(fields: Partial<ShortMessageBody> & Pick<ShortMessageBody, 'destAddr'>): Promise<SubmitOutcome> {
    return new Promise((resolve, reject) => {
      this.submitWith(fields, (resp, err) => {
        if (!resp) return reject(err ?? new Error('no response'));
        const out: SubmitOutcome = { status: resp.status, statusName: statusName(resp.status) };
        if (resp.command === 'submit_sm_resp' && resp.body && resp.body.messageId) out.messageId = resp.body.messageId;
        resolve(out);
      });
    });
  }

  /** Callback form of submit, for the benchmark's tight loop. */
  submitWith(fields: Partial<ShortMessageBody> & Pick<ShortMessageBody, 'destAddr'>, callback: ResponseCallback): void {
    this.connection.request({ command: 'submit_sm', status: 0, sequence: 0, body: shortMessageDefaults(fields) }, callback);
  }

  async enquireLink(): Promise<number> {
    return (await this.connection.requestAsync({ command: 'enquire_link', status: 0, sequence: 0 })).status;
  }

  /** Any request PDU, in any state; resolves with whatever answers it (a response or generic_nack). */
  request(pdu: Pdu): Promise<Pdu> {
    return this.connection.requestAsync(pdu);
  }

  sendRaw(octets: Buffer): void {
    this.connection.sendRaw(octets);
  }

  /** unbind, wait for unbind_resp (briefly), close. */
  async unbind(): Promise<void> {
    if (!this.connection.isClosed) {
      await this.connection.requestAsync({ command: 'unbind', status: 0, sequence: 0 }).catch(() => undefined);
      this.bound = undefined;
    }
    await this.close();
  }

  /** Closes the connection and resolves when the socket is gone. */
  close(): Promise<void> {
    const socket = this.connection.socket;
    if (socket.destroyed) return Promise.resolve();
    return new Promise((resolve) => {
      socket.once('close', () => resolve());
      this.connection.close();
    });
  }

  /** Resolves when the SMSC closes the connection (or at once if it is closed). */
  whenClosed(): Promise<void> {
    if (this.connection.socket.destroyed) return Promise.resolve();
    return new Promise((resolve) => this.connection.onClose(resolve));
  }

  private answer(pdu: Pdu): void {
    switch (pdu.command) {
      case 'deliver_sm': {
        const status = this.options.onDeliver?.(pdu.body, pdu) ?? STATUS.ESME_ROK;
        this.connection.send({ command: 'deliver_sm_resp', status, sequence: pdu.sequence, body: { messageId: '' } });
        return;
      }
      case 'enquire_link':
        this.connection.send({ command: 'enquire_link_resp', status: 0, sequence: pdu.sequence });
        return;
      case 'unbind':
        this.connection.send({ command: 'unbind_resp', status: 0, sequence: pdu.sequence });
        this.bound = undefined;
        this.connection.close();
        return;
      default:
        return;
    }
  }
}
