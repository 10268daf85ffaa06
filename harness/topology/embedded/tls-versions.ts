/**
 * The TLS-version equipment (harness/roles/tls-versions.ts) in process. A server that speaks exactly one
 * TLS version stands where a genuine server should be (with that server's own certificate, so only the
 * version differs); the peer EVVM Server's stand-in is where the EVVM Server relays to, the other clients
 * are pointed at it through their own role interfaces; the SMPP bind needs a fresh SMS interface of the
 * EVVM Server, made here.
 */
import type { SecureVersion } from 'node:tls';
import { SingleVersionTlsServer } from '../../equipment/single-version-tls-server';
import type { TlsApplication } from '../../equipment/tls-version-probe';
import { EVVM_SERVER_NAME } from '../../roles/authentication';
import type { SingleVersionServer, StandInFor } from '../../roles/tls-versions';
import { registerEmbeddedRole, type EmbeddedContext } from '../registry';
import type { Transport } from '../roles';
import { PEER } from '../../roles/interworking';
import { MESSAGE_STORAGE_NAME } from '../../roles/message-storage';
import { SMSC_NAME } from '../../roles/sms';
import { evvmServerBindsOverTls } from './sms';

// a function, not a constant: the clauses' modules load in any order
const standIns = (): Record<StandInFor, { leaf: string; name: string; application: TlsApplication; actor: string }> => ({
  'evvm-server-imap': { leaf: 'evvm-server', name: EVVM_SERVER_NAME, application: 'imap', actor: 'EVVM Server' },
  'evvm-server-smtp': { leaf: 'evvm-server', name: EVVM_SERVER_NAME, application: 'smtp', actor: 'EVVM Server' },
  'message-storage': { leaf: 'message-storage', name: MESSAGE_STORAGE_NAME, application: 'imap', actor: 'Message Storage Server' },
  'peer-evvm-server': { leaf: 'evvm-server-peer', name: PEER.identity, application: 'smtp', actor: 'Peer EVVM Server' },
  smsc: { leaf: 'smsc', name: SMSC_NAME, application: 'smpp', actor: 'SMSC' },
});

/** A server that speaks only `version` where `server` should be, with that server's own certificate; it stops with the scenario. */
export async function startStandIn(ctx: Pick<EmbeddedContext, 'pki' | 'transcript' | 'onStop'>, server: StandInFor, transport: Transport, version: SecureVersion): Promise<SingleVersionServer> {
  const spec = standIns()[server];
  const leaf = ctx.pki.leaf(spec.leaf);
  const actor = `${spec.actor} stand-in (${version} only)`;
  const s = new SingleVersionTlsServer({
    actor,
    application: spec.application,
    upgrade: transport === 'starttls' ? 'starttls' : 'implicit',
    version,
    credential: { key: leaf.keyPem, cert: leaf.chainPem },
    name: spec.name,
    transcript: ctx.transcript,
  });
  const { host, port } = await s.start();
  ctx.onStop(() => s.stop());
  return { actor, endpoint: { host, port, servername: spec.name }, observations: async () => s.observations() };
}

registerEmbeddedRole('tls-version-equipment', async (ctx) => ({
  standIn: async (server, transport, version) => {
    const stood = await startStandIn(ctx, server, transport, version);
    if (server === 'peer-evvm-server') await (await ctx.topology.role('evvm-server-smtp')).route('interServer', { ...stood.endpoint, transport }, PEER.domain);
    return stood;
  },
  evvmServerBindsOverTls: (endpoint) => evvmServerBindsOverTls(ctx, endpoint),
}));
