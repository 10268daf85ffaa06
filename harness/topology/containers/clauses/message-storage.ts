/**
 * The CPM Message Storage clause (IF-5) in the container topology; the driven side is
 * harness/simulate/driven/message-storage.ts.
 *   'message-storage'             the Message Storage Server in the 'message-storage' container; the harness's
 *                                 CPM clients reach it on its published ports
 *   'evvm-server-storage'         the EVVM Server's storage link in the 'evvm-server' container, storing into
 *                                 the Message Storage Server (or the rogue) on the private network
 *   'message-storage-adversaries' the rogue Message Storage Server in the 'adversaries' container
 * The run's Message Storage credentials are made here (the harness is their owner, as in the embedded
 * topology) and handed to the container that needs them; the sync parts of the roles are computed from
 * what the containers answered at start and from that harness-side material.
 */
import type { CertificateFlaw } from '../../../../simulators/crypto/pki/types';
import type { StorageTarget, StoreResult } from '../../../../simulators/evvm-server/message-storage-client';
import { registerContainerRole, type ContainersContext } from '../../registry';
import type { Endpoint, Transport } from '../../roles';
import {
  mssCredentials,
  rogueMessageStorage,
  rogueTargetAccount,
  SimulatedMessageStorage,
  storageEndpoints,
  type MssAccount,
  type MssCredentials,
  type RogueMessageStorage,
} from '../../embedded/message-storage';
import type { ContainerRole } from '../names';

function secrets(ctx: ContainersContext, a: MssAccount): void {
  for (const s of [a.password, a.tuiPin, a.sip?.password]) ctx.transcript.secret(s);
}

/** The run's Message Storage credentials, kept out of this scenario's transcript. */
function credentials(ctx: ContainersContext): MssCredentials {
  const creds = mssCredentials(ctx.accounts);
  for (const a of creds.accounts) secrets(ctx, a);
  ctx.transcript.secret(creds.psk);
  return creds;
}

/** Where the harness reaches a container's published ports. */
const publishedOn = (ctx: ContainersContext, role: ContainerRole) => (port: number) => ctx.published(role, port);

registerContainerRole('message-storage', async (ctx) => {
  const creds = credentials(ctx);
  const c = await ctx.control('message-storage');
  const { actor, ports } = await c.call<{ actor: string; ports: { imaps?: number; imap?: number } }>('POST /message-storage/start', creds);
  const subscribe = async (name: string): Promise<MssAccount> => {
    // the subscription happens in the container; its answer is the client configuration, out of band
    const account = await c.call<MssAccount>('POST /message-storage/subscribe', { name });
    secrets(ctx, account);
    return account;
  };
  return new SimulatedMessageStorage(actor, storageEndpoints(ports, publishedOn(ctx, 'message-storage')), subscribe, ctx.pki, ctx.profile, creds);
});

registerContainerRole('evvm-server-storage', async (ctx) => {
  const c = await ctx.control('evvm-server');
  const { actor } = await c.call<{ actor: string }>('POST /evvm-server-storage/start');
  return {
    actor,
    depositAndStore: (name: string, target: StorageTarget) =>
      // the target names the store as the harness reaches it; the EVVM Server reaches it on the private network
      c.call<{ messageId: string; result: StoreResult }>('POST /evvm-server-storage/deposit-and-store', { name, target: { ...target, endpoint: ctx.onNetwork(target.endpoint) } }),
  };
});

registerContainerRole('message-storage-adversaries', async (ctx) => ({
  async rogue(flaw: CertificateFlaw): Promise<RogueMessageStorage> {
    const account = rogueTargetAccount(credentials(ctx));
    const c = await ctx.control('adversaries');
    const r = await c.call<{ id: string; actor: string; ports: { imaps: number; imap: number } }>('POST /message-storage-rogue/start', { flaw, account: { username: account.username, password: account.password } });
    const endpoint = (t: Transport): Endpoint => storageEndpoints(r.ports, publishedOn(ctx, 'adversaries'))(t)!;
    const clientBytes = async () => (await c.call<{ clientBytes: Buffer }>('POST /captured', { id: r.id })).clientBytes;
    return rogueMessageStorage({ actor: r.actor, endpoint, clientBytes, account, pki: ctx.pki, profile: ctx.profile });
  },
}));
