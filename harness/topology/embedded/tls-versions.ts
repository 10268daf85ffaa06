/**
 * STD-07 (RFC 8996): the harness's equipment for the client side of every TLS interface. A server that
 * speaks exactly one TLS version stands where a genuine server should be (with that server's own
 * certificate, so only the version differs), and the client roles are pointed at it through their own
 * role interfaces; the SMPP bind needs a fresh SMS interface of the EVVM Server, made here.
 */
import type { SecureVersion } from 'node:tls';
import { SingleVersionTlsServer, type SingleVersionTlsObservations } from '../../equipment/single-version-tls-server';
import type { TlsApplication } from '../../equipment/tls-version-probe';
import { EVVM_SERVER_NAME } from '../embedded';
import { registerEmbeddedRole } from '../registry';
import { PEER } from './interworking';
import { MESSAGE_STORAGE_NAME } from '../../roles/message-storage';
import { evvmServerBindsOverTls, SMSC_NAME } from './sms';

declare module '../../roles/contract' {
  interface RoleMap {
    'tls-version-equipment': TlsVersionEquipment;
  }
}

/** The server a single-version stand-in replaces. */
export type StandInFor = 'evvm-server-imap' | 'evvm-server-smtp' | 'message-storage' | 'peer-evvm-server' | 'smsc';

export interface SingleVersionServer {
  readonly actor: string;
  /** where it listens, and the genuine server's name its certificate carries */
  readonly endpoint: { host: string; port: number; servername: string };
  observations(): Promise<SingleVersionTlsObservations>;
}

export interface TlsVersionEquipment {
  /** a server that speaks only `version` in place of `server` */
  standIn(server: StandInFor, upgrade: 'implicit' | 'starttls', version: SecureVersion): Promise<SingleVersionServer>;
  /** the EVVM Server binds over TLS to an SMPP endpoint (a stand-in for the SMSC); whether the bind completed */
  evvmServerBindsOverTls(endpoint: { host: string; port: number }): Promise<{ bound: boolean; reason?: string }>;
}

// a function, not a constant: embedded.ts (EVVM_SERVER_NAME) imports this file while it loads
const standIns = (): Record<StandInFor, { leaf: string; name: string; application: TlsApplication; actor: string }> => ({
  'evvm-server-imap': { leaf: 'evvm-server', name: EVVM_SERVER_NAME, application: 'imap', actor: 'EVVM Server' },
  'evvm-server-smtp': { leaf: 'evvm-server', name: EVVM_SERVER_NAME, application: 'smtp', actor: 'EVVM Server' },
  'message-storage': { leaf: 'message-storage', name: MESSAGE_STORAGE_NAME, application: 'imap', actor: 'Message Storage Server' },
  'peer-evvm-server': { leaf: 'evvm-server-peer', name: PEER.identity, application: 'smtp', actor: 'Peer EVVM Server' },
  smsc: { leaf: 'smsc', name: SMSC_NAME, application: 'smpp', actor: 'SMSC' },
});

registerEmbeddedRole('tls-version-equipment', async (ctx) => ({
  standIn: async (server, upgrade, version) => {
    const spec = standIns()[server];
    const leaf = ctx.pki.leaf(spec.leaf);
    const actor = `${spec.actor} stand-in (${version} only)`;
    const s = new SingleVersionTlsServer({
      actor,
      application: spec.application,
      upgrade,
      version,
      credential: { key: leaf.keyPem, cert: leaf.chainPem },
      name: spec.name,
      transcript: ctx.transcript,
    });
    const { host, port } = await s.start();
    ctx.onStop(() => s.stop());
    return { actor, endpoint: { host, port, servername: spec.name }, observations: async () => s.observations() };
  },
  evvmServerBindsOverTls: (endpoint) => evvmServerBindsOverTls(ctx, endpoint),
}));
