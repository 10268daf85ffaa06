import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { parse } from 'yaml';
import { z } from 'zod';
import { sharedTestPki, writePki } from '../../../simulators/crypto/pki';
import { EvvmServer } from '../../../simulators/evvm-server/evvm-server';
import { EvvmClient } from '../../../simulators/evvm-client/evvm-client';
import { demoAccounts } from '../../topology/accounts';
import { evvmServerConfig } from '../../topology/embedded';
import { loadProfile } from '../../profile/profile';
import { ControlServer, ControlError, type Handler } from '../../control/control-server';
import { isKnownFault } from '../../../simulators/faults';
import { UsageError } from '../usage';
import { validateFaults } from './run';

const ROLES = ['evvm-server', 'evvm-client'] as const;
type Role = (typeof ROLES)[number];

const ConfigSchema = z
  .object({
    profile: z.string().optional(),
    faults: z.array(z.string()).default([]),
    /** where to listen: 127.0.0.1 by default; 0.0.0.0 inside a container */
    host: z.string().default('127.0.0.1'),
  })
  .strict();
type Config = z.infer<typeof ConfigSchema>;

async function loadConfig(file: string | undefined): Promise<Config> {
  if (!file) return ConfigSchema.parse({});
  let data: unknown;
  try {
    data = parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`config ${file}: ${(err as Error).message.split('\n')[0]}`);
  }
  const r = ConfigSchema.safeParse(data ?? {});
  if (!r.success) throw new UsageError(`config ${file}: ${r.error.issues[0]!.path.join('.') || '(top level)'}: ${r.error.issues[0]!.message}`);
  validateFaults(r.data.faults);
  return r.data;
}

const FaultBody = z.object({ fault: z.string(), on: z.boolean().default(true) });
const RetrieveBody = z.object({
  host: z.string(),
  port: z.number().int().positive(),
  servername: z.string(),
  transport: z.enum(['implicit-tls', 'starttls']),
  username: z.string(),
  password: z.string(),
});

function body<T>(schema: z.ZodType<T>, value: unknown): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new ControlError(`${r.error.issues[0]!.path.join('.') || 'body'}: ${r.error.issues[0]!.message}`);
  return r.data;
}

/**
 * `simulate ROLE`: one simulator on its own, serving its protocols and its control API. The first line on
 * stdout is the ready line of design.md; demo credentials are printed for standalone use only.
 */
export function registerSimulateCommand(program: Command, setStatus: (s: number) => void): void {
  program
    .command('simulate')
    .description(`run one simulator standalone (${ROLES.join(', ')}) with its control API`)
    .argument('<role>', ROLES.join(' | '))
    .option('--config <file>', 'YAML: profile, faults, host')
    .action(async (role: string, opts: { config?: string }) => {
      if (!(ROLES as readonly string[]).includes(role)) throw new UsageError(`unknown role "${role}" (one of: ${ROLES.join(', ')})`);
      const config = await loadConfig(opts.config);
      const stop = await simulate(role as Role, config);
      await new Promise<void>((resolve) => {
        const done = (): void => resolve();
        process.once('SIGINT', done).once('SIGTERM', done);
      });
      await stop();
      setStatus(0);
    });
}

async function simulate(role: Role, config: Config): Promise<() => Promise<void>> {
  const pki = await sharedTestPki();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'evvm-pki-'));
  await writePki(pki, dir, { includeKeys: true });
  const trust = { ca: path.join(dir, 'ca.pem'), clientCert: path.join(dir, 'evvm-client.crt'), clientKey: path.join(dir, 'evvm-client.key') };
  const profile = loadProfile(config.profile);
  const accounts = demoAccounts(randomUUID().slice(0, 8));
  const routes: Record<string, Handler> = { 'GET /health': () => ({ role, ready: true }) };
  const endpoints: Record<string, string> = {};
  let stopRole: () => Promise<void>;

  if (role === 'evvm-server') {
    const server = new EvvmServer(evvmServerConfig({ pki, profile, accounts, faults: config.faults, host: config.host }));
    const ports = await server.start();
    if (ports.imaps !== undefined) endpoints.imaps = `${config.host}:${ports.imaps}`;
    if (ports.imap !== undefined) endpoints.imap = `${config.host}:${ports.imap}`;
    routes['GET /observations'] = () => {
      const o = server.observations();
      return { authentications: o.authentications, connections: o.connections.map((c) => ({ ...c, clientBytes: c.clientBytes.toString('base64') })) };
    };
    routes['POST /faults'] = (b) => {
      const { fault, on } = body(FaultBody, b);
      if (!isKnownFault(fault) || !fault.startsWith('evvm-server:')) throw new ControlError(`unknown EVVM Server fault "${fault}"`);
      server.setFault(fault, on);
    };
    stopRole = () => server.stop();
  } else {
    const cert = pki.leaf('evvm-client');
    const client = new EvvmClient({ trustAnchorPem: pki.trustAnchorPem, certificate: { chainPem: cert.chainPem, keyPem: cert.keyPem }, faults: config.faults });
    routes['POST /retrieve'] = async (b) => {
      const r = body(RetrieveBody, b);
      const result = await client.retrieveVoicemail({ host: r.host, port: r.port, servername: r.servername, transport: r.transport }, { username: r.username, password: r.password });
      return { ...result, voicemails: result.voicemails.map((v) => ({ uid: v.uid, raw: v.raw.toString('base64') })) };
    };
    stopRole = async () => undefined;
  }

  const control = new ControlServer(routes);
  endpoints.control = await control.listen(config.host);
  const ready = {
    role,
    ready: true,
    endpoints,
    trust,
    accounts: accounts.map((a) => ({ name: a.name, identifiers: Object.values(a.identifiers), password: a.password, blocked: a.blocked })),
  };
  process.stdout.write(JSON.stringify(ready) + '\n');
  return async () => {
    await control.close();
    await stopRole();
  };
}
