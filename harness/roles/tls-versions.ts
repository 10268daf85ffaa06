/**
 * STD-07 (RFC 8996): the contract of the TLS-version equipment, and where the harness finds each TLS
 * interface. Server side: test equipment (harness/equipment/tls-version-probe.ts) offers exactly one
 * version to a server's TLS interface, found through that server's own role. Client side: a server that
 * speaks exactly one version stands where a genuine server should be, and the client roles are pointed at
 * it; a topology whose clients cannot face one answers not applicable, with the reason.
 */
import type { SecureVersion } from 'node:tls';
import type { SingleVersionTlsObservations } from '../equipment/single-version-tls-server';
import type { VersionOffer } from '../equipment/tls-version-probe';
import type { SmtpInterface } from '../../simulators/evvm-server/interworking/interworking';
import { HarnessError, InconclusiveError, type NotApplicable } from '../engine/outcomes';
import type { Endpoint, Topology, Transport } from '../topology/roles';
import { defineRole } from './contract';

declare module './contract' {
  interface RoleMap {
    'tls-version-equipment': TlsVersionEquipment;
  }
}
defineRole('tls-version-equipment');

/** The server a single-version stand-in replaces. */
export type StandInFor = 'evvm-server-imap' | 'evvm-server-smtp' | 'message-storage' | 'peer-evvm-server' | 'smsc';

export interface SingleVersionServer {
  readonly actor: string;
  /** where it listens, and the genuine server's name its certificate carries */
  readonly endpoint: Endpoint;
  observations(): Promise<SingleVersionTlsObservations>;
}

export interface TlsVersionEquipment {
  /** a server that speaks only `version` in place of `server`, the clients that use `server` pointed at it; or why the topology has none */
  standIn(server: StandInFor, transport: Transport, version: SecureVersion): Promise<SingleVersionServer | NotApplicable>;
  /** the EVVM Server binds over TLS to an SMPP endpoint (a stand-in for the SMSC); whether the bind completed */
  evvmServerBindsOverTls(endpoint: { host: string; port: number }): Promise<{ bound: boolean; reason?: string }>;
}

/** The equipment of a topology whose clients cannot face a stand-in: every client-side scenario is not applicable, for `reason`. */
export function noStandIns(reason: string): TlsVersionEquipment {
  return {
    standIn: async () => ({ notApplicable: reason }),
    evvmServerBindsOverTls: () => Promise.reject(new HarnessError(`no stand-in to bind to: ${reason}`)),
  };
}

/** What a stand-in saw; a client that never connected decided nothing. */
export async function standInObservations(server: SingleVersionServer): Promise<SingleVersionTlsObservations> {
  const seen = await server.observations();
  if (seen.connections === 0) throw new InconclusiveError(`the client never connected to the ${server.actor}: nothing was decided`);
  return seen;
}

/** A TLS server interface, in the words of features/tls. */
export type TlsServer =
  | { kind: 'imap'; who: 'evvm-server' | 'message-storage' }
  | { kind: 'smtp'; who: 'evvm-server'; iface: SmtpInterface }
  | { kind: 'smtp'; who: 'forwarding-gateway' | 'non-oma-vm' | 'evvm-server-peer' }
  | { kind: 'smpp' }
  | { kind: 'psk-tls' };

const withCertificate = (certificate: VersionOffer['certificate']) => (certificate ? { certificate } : {});

/** Finds a TLS server interface through its role; not applicable when the server does not offer it. */
export async function versionOffer(topology: Topology, server: TlsServer, transport: Transport): Promise<VersionOffer | NotApplicable> {
  const upgrade = transport === 'starttls' ? 'starttls' : 'implicit';
  if (server.kind === 'smpp') {
    const smsc = await topology.role('smsc');
    const e = smsc.endpoint('tls');
    if (!e) return { notApplicable: 'the SMSC offers no SMPP over TLS' };
    return { what: smsc.actor, target: { host: e.host, port: e.port, servername: e.servername ?? '' }, application: 'smpp', upgrade: 'implicit' };
  }
  if (server.kind === 'psk-tls') {
    const store = await topology.role('message-storage');
    const psk = store.psk();
    if (!psk) throw new InconclusiveError('the Message Storage Server has no provisioned PSK-TLS identity');
    return { what: `${store.actor} (PSK-TLS)`, target: store.pskEndpoint(), application: 'imap', upgrade: 'implicit', psk: { identity: psk.identity, key: psk.key } };
  }
  if (server.kind === 'imap' && server.who === 'evvm-server') {
    const evvm = await topology.role('evvm-server');
    const target = evvm.endpoint(transport);
    if (!target) return { notApplicable: `the EVVM Server offers no ${transport} endpoint` };
    return { what: 'the EVVM Server', target, application: 'imap', upgrade, ...withCertificate(evvm.clientCredential('valid')) };
  }
  if (server.kind === 'imap') {
    const store = await topology.role('message-storage');
    const target = store.endpoint(transport);
    if (!target) return { notApplicable: `the Message Storage Server declares no ${transport} endpoint` };
    return { what: store.actor, target, application: 'imap', upgrade, ...withCertificate(store.clientCredential('valid')) };
  }
  if ('iface' in server) {
    const target = (await topology.role('evvm-server-smtp')).endpoint(server.iface, transport);
    if (!target) return { notApplicable: `the ${server.who} offers no SMTP ${transport} endpoint` };
    return { what: server.who, target, application: 'smtp', upgrade };
  }
  const role = await topology.role(server.who);
  // a server under test names its declared transports and the client certificate it accepts
  const served = role.tlsInterface ? await role.tlsInterface(transport) : { endpoint: role.endpoint(transport) };
  if (!served) return { notApplicable: `the ${server.who} declares no SMTP ${transport} endpoint` };
  return { what: server.who, target: served.endpoint, application: 'smtp', upgrade, ...withCertificate(served.certificate) };
}
