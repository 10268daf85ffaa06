/**
 * The CPM Message Storage roles (harness/roles/message-storage.ts) in containers, both sides of each route:
 *   'message-storage'             the Message Storage Server in the 'message-storage' container; the harness's
 *                                 CPM clients reach it on its published ports
 *   'evvm-server-storage'         the EVVM Server's storage link in the 'evvm-server' container, storing into
 *                                 the Message Storage Server (or the rogue) on the private network
 *   'message-storage-adversaries' the rogue Message Storage Server in the 'adversaries' container
 * The run's Message Storage credentials are the harness's (as in the embedded topology): they travel in the
 * request that needs them and are kept out of both sides' transcripts.
 */
import { randomUUID } from 'node:crypto';
import type { MessageStorageServer } from '../../../../simulators/message-storage/message-storage-server';
import * as ms from '../../../roles/message-storage';
import { drivenEvvmServer, publishedImap } from '../../../simulate/driven/core';
import { serve, type Scope } from '../../../simulate/driven/host';
import { registerContainerRole, type ContainersContext } from '../../registry';

const ROUTES = ms.MESSAGE_STORAGE_ROUTES;

class ContainersMessageStorage extends ms.SimulatedMessageStorageBase {
  constructor(
    private readonly containers: ContainersContext,
    started: { actor: string; ports: { imaps?: number; imap?: number } },
    creds: ms.MssCredentials,
  ) {
    super(started, (port) => containers.published('message-storage', port), containers, creds);
  }

  protected async subscribeAtServer(name: string): Promise<ms.MssAccount> {
    const account = await this.containers.call(ROUTES.subscribe, { name });
    ms.keepAccountSecrets(this.containers.transcript, account);
    return account;
  }
}

registerContainerRole('message-storage', async (ctx) => {
  const creds = ms.keptCredentials(ctx.transcript, ms.mssCredentials(ctx.accounts));
  return new ContainersMessageStorage(ctx, await ctx.call(ROUTES.start, creds), creds);
});

registerContainerRole('evvm-server-storage', async (ctx) => ({
  actor: (await ctx.call(ROUTES.storageLink, {})).actor,
  // the target names the store as the harness reaches it; the EVVM Server reaches it on the private network
  depositAndStore: (name, target) => ctx.call(ROUTES.depositAndStore, { name, target: { ...target, endpoint: ctx.onNetwork(target.endpoint) } }),
}));

registerContainerRole('message-storage-adversaries', async (ctx) => ({
  async rogue(flaw) {
    const account = ms.rogueTargetAccount(ctx.accounts);
    ctx.transcript.secret(account.password);
    const started = await ctx.call(ROUTES.rogue, { flaw, account: { username: account.username, password: account.password } });
    const clientBytes = async () => (await ctx.call(ROUTES.rogueCaptured, { id: started.id })).clientBytes;
    return ms.rogueMessageStorage({ started, at: (port) => ctx.published('adversaries', port), clientBytes, account, ctx });
  },
}));

// --- the containers' side ---

serve(ROUTES.start, async (creds, s) => {
  ms.keptCredentials(s.transcript, creds);
  const { server, ports } = await s.once('message-storage', async () => {
    const started = await ms.startMessageStorageServer({ pki: s.run.pki, profile: s.run.profile, accounts: s.run.accounts, faults: s.faults, transcript: s.transcript }, creds);
    s.onEnd(() => started.server.stop());
    return { server: started.server, ports: await publishedImap(s, started.ports) };
  });
  return { actor: server.actor, ports };
});

serve(ROUTES.subscribe, async ({ name }, s) => {
  const { server } = await s.started<{ server: MessageStorageServer }>('message-storage', 'the Message Storage Server');
  return ms.subscribeUser(server, name, s.transcript);
});

/** The scenario's EVVM Server with its storage link, made once. */
const storageLink = (s: Scope) => s.once('evvm-server-storage', async () => ms.evvmServerStorage((await drivenEvvmServer(s)).server, s.run.accounts, s.faults, s.transcript));

serve(ROUTES.storageLink, async (_, s) => ({ actor: (await storageLink(s)).actor }));

serve(ROUTES.depositAndStore, async ({ name, target }, s) => {
  s.transcript.secret(target.account.password);
  return (await storageLink(s)).depositAndStore(name, target);
});

/** Each rogue of the scenario is kept under its id, for what it captured. */
const rogueKey = (id: string) => `message-storage-rogue ${id}`;

serve(ROUTES.rogue, async ({ flaw, account }, s) => {
  const id = randomUUID();
  const rogue = await s.once(rogueKey(id), () => ms.startRogueMessageStorage(s.run.pki, flaw, account, s.transcript));
  s.onEnd(rogue.stop);
  return { id, actor: rogue.actor, ports: await publishedImap(s, rogue.ports) };
});

serve(ROUTES.rogueCaptured, async ({ id }, s) => ({ clientBytes: (await s.started<ms.StartedRogue>(rogueKey(id), `the rogue Message Storage Server "${id}"`)).clientBytes() }));
