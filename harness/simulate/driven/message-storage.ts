/**
 * The driven side of the CPM Message Storage clause (IF-5), what harness/topology/containers/message-storage.ts
 * calls: the Message Storage Server in the 'message-storage' container, the EVVM Server's storage link in
 * the 'evvm-server' container (on the scenario's EVVM Server), and the rogue Message Storage Server in the
 * 'adversaries' container. The Message Storage credentials are the harness's: they come in the request that
 * needs them, and are kept out of this container's transcript. Endpoints in requests are as seen on the
 * private network; ports in answers are the container's published ones.
 */
import { z } from 'zod';
import { CERTIFICATE_FLAWS } from '../../../simulators/crypto/pki';
import type { CertificateFlaw } from '../../../simulators/crypto/pki/types';
import { MessageStorageServer } from '../../../simulators/message-storage/message-storage-server';
import type { StorageTarget } from '../../../simulators/evvm-server/message-storage-client';
import { depositAndStore, evvmServerStorage, messageStorageConfig, rogueMessageStorageServer, subscribeUser, type MssAccount } from '../../topology/embedded/message-storage';
import { parseBody } from '../body';
import { capture, drivenEvvmServer, publishedImap } from './core';
import { registerDrivenRoutes, type Scope } from './host';

const Secret = z.string().min(1);
const Account = z.object({
  name: z.string(),
  username: z.string(),
  password: Secret,
  tuiPin: Secret.optional(),
  sip: z.object({ uri: z.string(), password: Secret }).optional(),
  marker: z.string().optional(),
});
const Credentials = z.object({ accounts: z.array(Account), psk: z.instanceof(Buffer) });
const Name = z.object({ name: z.string().regex(/^[a-z][a-z0-9-]{0,30}$/) });
const Pem = z.object({ chainPem: z.string(), keyPem: z.string() });
const Target = z.object({
  endpoint: z.object({ host: z.string(), port: z.number().int().positive(), servername: z.string() }),
  transport: z.enum(['implicit-tls', 'starttls']),
  trustAnchorPem: z.string(),
  certificate: Pem.optional(),
  account: z.object({ username: z.string(), password: z.string() }),
  timeoutMs: z.number().int().positive().optional(),
});

function keepAccount(scope: Scope, a: MssAccount): void {
  for (const s of [a.password, a.tuiPin, a.sip?.password]) scope.transcript.secret(s);
}

/** zod's optional fields as the exact optional properties MssAccount has */
function mssAccount(a: z.infer<typeof Account>): MssAccount {
  return { name: a.name, username: a.username, password: a.password, ...(a.tuiPin !== undefined ? { tuiPin: a.tuiPin } : {}), ...(a.sip ? { sip: a.sip } : {}), ...(a.marker ? { marker: a.marker } : {}) };
}

function storageTarget(t: z.infer<typeof Target>): StorageTarget {
  return {
    endpoint: t.endpoint,
    transport: t.transport,
    trustAnchorPem: t.trustAnchorPem,
    ...(t.certificate ? { certificate: t.certificate } : {}),
    account: t.account,
    ...(t.timeoutMs !== undefined ? { timeoutMs: t.timeoutMs } : {}),
  };
}

// ---- the Message Storage Server ----

registerDrivenRoutes('message-storage', (scope) => ({
  /** Starts the scenario's Message Storage Server with the run's credentials (the harness made them). */
  'POST /message-storage/start': async (b) => {
    const s = scope();
    const { accounts, psk } = parseBody(Credentials, b);
    const creds = { accounts: accounts.map(mssAccount), psk };
    for (const a of creds.accounts) keepAccount(s, a);
    s.transcript.secret(creds.psk);
    const { server, ports } = await s.once('message-storage', async () => {
      const { pki, profile, accounts: testAccounts } = s.run;
      const server = new MessageStorageServer(messageStorageConfig({ pki, profile, accounts: testAccounts, faults: s.faults, transcript: s.transcript }, creds));
      const ports = await server.start();
      s.onEnd(() => server.stop());
      return { server, ports: await publishedImap(s, ports) };
    });
    return { actor: server.actor, ports };
  },
  /** CPM-MS-AUTH-04: the CPM system subscribes a user; the answer is its client configuration, out of band. */
  'POST /message-storage/subscribe': async (b) => {
    const s = scope();
    const { server } = await s.started<{ server: MessageStorageServer }>('message-storage', 'the Message Storage Server');
    return subscribeUser(server, parseBody(Name, b).name, s.transcript);
  },
}));

// ---- the EVVM Server as IMAP client of the Message Storage Server (EVVM-AUTH-05) ----

registerDrivenRoutes('evvm-server', (scope) => {
  /** The scenario's EVVM Server with its storage link, made once. */
  const storage = (s: Scope) => s.once('evvm-server-storage', async () => evvmServerStorage((await drivenEvvmServer(s)).server, s.faults, s.transcript));
  return {
    'POST /evvm-server-storage/start': async () => ({ actor: (await storage(scope())).actor }),
    'POST /evvm-server-storage/deposit-and-store': async (b) => {
      const s = scope();
      const { name, target } = parseBody(z.object({ name: z.string(), target: Target }), b);
      s.transcript.secret(target.account.password);
      return depositAndStore(await storage(s), s.run.accounts, name, storageTarget(target));
    },
  };
});

// ---- the rogue Message Storage Server ----

registerDrivenRoutes('adversaries', (scope) => ({
  'POST /message-storage-rogue/start': async (b) => {
    const { flaw, account } = parseBody(z.object({ flaw: z.enum(CERTIFICATE_FLAWS as [CertificateFlaw, ...CertificateFlaw[]]), account: z.object({ username: z.string(), password: Secret }) }), b);
    const s = scope();
    s.transcript.secret(account.password);
    const rogue = rogueMessageStorageServer(s.run.pki, flaw, account, s.transcript);
    const ports = await rogue.start();
    s.onEnd(() => rogue.stop());
    const id = capture(s, () => Buffer.concat(rogue.connections().map((c) => c.clientBytes)));
    return { id, actor: rogue.actor, ports: await publishedImap(s, ports) };
  },
}));
