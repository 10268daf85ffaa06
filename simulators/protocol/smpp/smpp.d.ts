/**
 * The parts of smpp 0.5.1 (farhadi/node-smpp, no @types package exists) this project uses: the ESME in
 * interoperability tests, the independent codec in differential tests, and the bare server the
 * benchmark compares against. Field values are loosely typed because the library's are.
 */
declare module 'smpp' {
  import { EventEmitter } from 'node:events';
  import type { Server as NetServer, Socket } from 'node:net';

  export class PDU {
    constructor(command: string, options?: Record<string, unknown>);
    command: string;
    command_length: number;
    command_id: number;
    command_status: number;
    sequence_number: number;
    /** the decoded parameters and TLVs, by their SMPP names (system_id, short_message, message_payload, …) */
    [field: string]: unknown;
    static maxLength: number;
    static fromBuffer(buffer: Buffer): PDU | false;
    toBuffer(): Buffer;
    isResponse(): boolean;
    response(options?: Record<string, unknown>): PDU;
  }

  export type ResponseCallback = (pdu: PDU) => void;

  export class Session extends EventEmitter {
    socket: Socket;
    send(pdu: PDU, responseCallback?: ResponseCallback, sendCallback?: ResponseCallback): boolean;
    close(callback?: () => void): void;
    destroy(callback?: () => void): void;
    pause(): void;
    resume(): void;
    bind_transceiver(options: Record<string, unknown>, responseCallback?: ResponseCallback): boolean;
    bind_transmitter(options: Record<string, unknown>, responseCallback?: ResponseCallback): boolean;
    bind_receiver(options: Record<string, unknown>, responseCallback?: ResponseCallback): boolean;
    submit_sm(options: Record<string, unknown>, responseCallback?: ResponseCallback): boolean;
    deliver_sm(options: Record<string, unknown>, responseCallback?: ResponseCallback): boolean;
    enquire_link(options?: Record<string, unknown>, responseCallback?: ResponseCallback): boolean;
    unbind(options?: Record<string, unknown>, responseCallback?: ResponseCallback): boolean;
  }

  export interface Server extends NetServer {
    sessions: Session[];
  }

  export interface ConnectOptions {
    url?: string;
    host?: string;
    port?: number;
    tls?: boolean;
    ca?: string | Buffer;
    servername?: string;
    rejectUnauthorized?: boolean;
    auto_enquire_link_period?: number;
  }

  export function createServer(options: Record<string, unknown>, listener?: (session: Session) => void): Server;
  export function connect(options: ConnectOptions | string, listener?: () => void): Session;

  export const ESME_ROK: number;
  export const ESME_RINVPASWD: number;
  export const ESME_RINVSYSID: number;
  export const ESME_RINVBNDSTS: number;
  export const ESME_RINVCMDID: number;
  export const ESME_RINVCMDLEN: number;
}
