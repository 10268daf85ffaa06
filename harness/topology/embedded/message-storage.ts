/** The CPM Message Storage roles (harness/roles/message-storage.ts) in process: every simulator on 127.0.0.1, port 0. */
import type { MessageStorageServer } from '../../../simulators/message-storage/message-storage-server';
import {
  evvmServerStorage,
  mssCredentials,
  rogueMessageStorage,
  rogueTargetAccount,
  SimulatedMessageStorageBase,
  startMessageStorageServer,
  startRogueMessageStorage,
  subscribeUser,
  type MssAccount,
} from '../../roles/message-storage';
import { registerEmbeddedRole, type EmbeddedContext } from '../registry';

const onLoopback = (port: number) => ({ host: '127.0.0.1', port });

class EmbeddedMessageStorage extends SimulatedMessageStorageBase {
  constructor(
    private readonly server: MessageStorageServer,
    ports: { imaps?: number; imap?: number },
    private readonly embedded: EmbeddedContext,
  ) {
    super({ actor: server.actor, ports }, onLoopback, embedded, mssCredentials(embedded.accounts));
  }

  protected async subscribeAtServer(name: string): Promise<MssAccount> {
    return subscribeUser(this.server, name, this.embedded.transcript);
  }
}

registerEmbeddedRole('message-storage', async (ctx) => {
  const { server, ports } = await startMessageStorageServer(ctx);
  ctx.onStop(() => server.stop());
  return new EmbeddedMessageStorage(server, ports, ctx);
});

registerEmbeddedRole('evvm-server-storage', async (ctx) => evvmServerStorage(await ctx.evvmServer(), ctx.accounts, ctx.faults, ctx.transcript));

registerEmbeddedRole('message-storage-adversaries', async (ctx) => ({
  async rogue(flaw) {
    const account = rogueTargetAccount(ctx.accounts);
    const started = await startRogueMessageStorage(ctx.pki, flaw, account, ctx.transcript);
    ctx.onStop(started.stop);
    return rogueMessageStorage({ started, at: onLoopback, clientBytes: async () => started.clientBytes(), account, ctx });
  },
}));
