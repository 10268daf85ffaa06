import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { z } from 'zod';
import { sharedTestPki, writePki } from '../../../simulators/crypto/pki';
import { demoAccounts } from '../../topology/accounts';
import { loadProfile } from '../../profile/profile';
import { INPUT_LIMITS, parseYaml, readInputFile } from '../../input';
import { ControlServer } from '../../control/control-server';
import { simulatedRole, simulatedRoleNames } from '../../simulate';
import { CONTROL_PORT, DrivenHost, drivenRoleNames } from '../../simulate/driven';
import { UsageError } from '../usage';
import { validateFaults } from './run';

const ConfigSchema = z
  .object({
    profile: z.string().optional(),
    faults: z.array(z.string()).default([]),
    /** where to listen: 127.0.0.1 by default; 0.0.0.0 inside a container */
    host: z.string().default('127.0.0.1'),
  })
  .strict();
type Config = z.infer<typeof ConfigSchema>;

function loadConfig(file: string | undefined): Config {
  if (!file) return ConfigSchema.parse({});
  let data: unknown;
  try {
    data = parseYaml(readInputFile(file, INPUT_LIMITS.config));
  } catch (err) {
    throw new UsageError(`config ${file}: ${(err as Error).message.split('\n')[0]}`);
  }
  const r = ConfigSchema.safeParse(data ?? {});
  if (!r.success) throw new UsageError(`config ${file}: ${r.error.issues[0]!.path.join('.') || '(top level)'}: ${r.error.issues[0]!.message}`);
  validateFaults(r.data.faults);
  return r.data;
}

/**
 * `simulate ROLE`: one simulator on its own, serving its protocols and its control API. The first line on
 * stdout is the ready line of design.md; demo credentials are printed for standalone use only.
 */
export function registerSimulateCommand(program: Command, setStatus: (s: number) => void): void {
  program
    .command('simulate')
    .description(`run one simulator standalone (${simulatedRoleNames().join(', ')}) with its control API`)
    .argument('<role>', simulatedRoleNames().join(' | '))
    .option('--config <file>', 'YAML: profile, faults, host')
    .option('--driven', `wait for the harness to set up the run and drive it scenario by scenario (what containers run; roles: ${drivenRoleNames().join(', ')})`)
    .option('--host <address>', 'where to listen (overrides the config; 0.0.0.0 inside a container)')
    .action(async (role: string, opts: { config?: string; driven?: boolean; host?: string }) => {
      const known = opts.driven ? drivenRoleNames() : simulatedRoleNames();
      if (!known.includes(role)) throw new UsageError(`unknown role "${role}" (one of: ${known.join(', ')})`);
      const config = loadConfig(opts.config);
      if (opts.host) config.host = opts.host;
      const stop = opts.driven ? await drive(role, config.host) : await simulate(role, config);
      await new Promise<void>((resolve) => {
        const done = (): void => resolve();
        process.once('SIGINT', done).once('SIGTERM', done);
      });
      await stop();
      setStatus(0);
    });
}

/** The container entrypoint's mode: the control API on a fixed port, simulators made per scenario. */
async function drive(role: string, host: string): Promise<() => Promise<void>> {
  const driven = new DrivenHost(role, { host });
  const control = await driven.listen(host, host === '127.0.0.1' ? 0 : CONTROL_PORT);
  // the line the container topology waits for
  process.stdout.write(JSON.stringify({ role, ready: true, driven: true, endpoints: { control } }) + '\n');
  return () => driven.close();
}

async function simulate(role: string, config: Config): Promise<() => Promise<void>> {
  const start = simulatedRole(role)!;
  const pki = await sharedTestPki();
  const pkiDir = await mkdtemp(path.join(os.tmpdir(), 'evvm-pki-'));
  await writePki(pki, pkiDir, { includeKeys: true });
  const profile = loadProfile(config.profile);
  const accounts = demoAccounts(randomUUID().slice(0, 8));
  const served = await start({ pki, pkiDir, profile, accounts, faults: config.faults, host: config.host });
  const control = new ControlServer({ 'GET /health': () => ({ role, ready: true }), ...served.routes });
  const ready = {
    role,
    ready: true,
    endpoints: { ...served.endpoints, control: await control.listen(config.host) },
    trust: served.trust ?? { ca: path.join(pkiDir, 'ca.pem'), clientCert: path.join(pkiDir, 'evvm-client.crt'), clientKey: path.join(pkiDir, 'evvm-client.key') },
    accounts: served.accounts ?? accounts.map((a) => ({ name: a.name, identifiers: Object.values(a.identifiers), password: a.password, blocked: a.blocked })),
  };
  process.stdout.write(JSON.stringify(ready) + '\n');
  return async () => {
    await control.close();
    await served.stop();
    await rm(pkiDir, { recursive: true, force: true });
  };
}
