import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import type { z } from 'zod';
import { UsageError } from '../usage';
import { validateFaults } from './run';

// What this command serves (the simulators, their PKI, the config's parsers) is loaded when it runs, not
// when the CLI starts: `--version` and `--help` must not pay for it (require: this build is CommonJS).
function standaloneRoles(): typeof import('../../simulate') {
  return require('../../simulate') as typeof import('../../simulate');
}
function drivenRoles(): typeof import('../../simulate/driven') {
  return require('../../simulate/driven') as typeof import('../../simulate/driven');
}

function configSchema() {
  const { z } = require('zod') as typeof import('zod');
  return z
    .object({
      profile: z.string().optional(),
      faults: z.array(z.string()).default([]),
      /** where to listen: 127.0.0.1 by default; 0.0.0.0 inside a container */
      host: z.string().default('127.0.0.1'),
    })
    .strict();
}
type Config = z.infer<ReturnType<typeof configSchema>>;

function loadConfig(file: string | undefined): Config {
  const ConfigSchema = configSchema();
  if (!file) return ConfigSchema.parse({});
  const { INPUT_LIMITS, parseYaml, readInputFile } = require('../../input') as typeof import('../../input');
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
 * stdout is the ready line of design.md; demo credentials go by environment variable, their values in a 0600 file.
 */
export function registerSimulateCommand(program: Command, setStatus: (s: number) => void): void {
  program
    .command('simulate')
    .description('run one simulator standalone with its control API (`simulate --help` lists the roles)')
    .argument('<role>', 'the role to serve (listed below)')
    .option('--config <file>', 'YAML: profile, faults, host')
    .option('--driven', 'wait for the harness to set up the run and drive it scenario by scenario (what containers run)')
    .option('--host <address>', 'where to listen (overrides the config; 0.0.0.0 inside a container)')
    .option('--profile-out <file>', 'also write a ready-to-run profile naming this simulator as the implementation under test (secrets in FILE.env, mode 0600), for `run --profile FILE`')
    // the role lists load every simulator: only a reader of this command's help pays for them
    .addHelpText('after', () => `\nRoles: ${standaloneRoles().simulatedRoleNames().join(', ')}\nRoles with --driven: ${drivenRoles().drivenRoleNames().join(', ')}\n`)
    .action(async (role: string, opts: { config?: string; driven?: boolean; host?: string; profileOut?: string }) => {
      const known = opts.driven ? drivenRoles().drivenRoleNames() : standaloneRoles().simulatedRoleNames();
      if (!known.includes(role)) throw new UsageError(`unknown role "${role}" (one of: ${known.join(', ')})`);
      const config = loadConfig(opts.config);
      if (opts.host) config.host = opts.host;
      if (opts.profileOut && opts.driven) throw new UsageError('--profile-out describes a standalone simulator, not a driven one');
      // listening for the signals before the ready line: a SIGTERM right after it still stops cleanly (the PKI folder goes)
      const signalled = new Promise<void>((resolve) => {
        const done = (): void => resolve();
        process.once('SIGINT', done).once('SIGTERM', done);
      });
      const stop = opts.driven ? await drive(role, config.host) : await simulate(role, config, opts.profileOut);
      await signalled;
      await stop();
      setStatus(0);
    });
}

/** The container entrypoint's mode: the control API on a fixed port, simulators made per scenario. */
async function drive(role: string, host: string): Promise<() => Promise<void>> {
  const { CONTROL_PORT, DrivenHost } = drivenRoles();
  // simulators are made per scenario, as in an embedded run: one TLS context per configuration there too
  (require('../../../simulators/crypto/secure-contexts') as typeof import('../../../simulators/crypto/secure-contexts')).shareSecureContexts();
  const driven = new DrivenHost(role, { host });
  const control = await driven.listen(host, host === '127.0.0.1' ? 0 : CONTROL_PORT);
  // the line the container topology waits for
  process.stdout.write(JSON.stringify({ role, ready: true, driven: true, endpoints: { control } }) + '\n');
  return () => driven.close();
}

/** Writes the profile naming a simulator as the IUT, and its secrets' values beside it (FILE.env, mode 0600, one NAME=value a line). */
async function writeIutProfile(role: string, file: string, made: import('../../simulate/registry').IutProfile): Promise<{ profile: string; env: string }> {
  const { stringify } = require('yaml') as typeof import('yaml');
  const env = `${file}.env`;
  await writeFile(file, stringify({ name: `rehearsal-${role}`, description: `simulate ${role} standing in for a vendor's implementation`, ...(made.policy ? { policy: made.policy } : {}), ...(made.capabilities ? { capabilities: made.capabilities } : {}), iut: made.iut }));
  // the values only, never in the profile or the ready line; `set -a; . FILE.env; set +a` before `run`
  await writeFile(env, Object.entries(made.env).map(([k, v]) => `${k}=${v}\n`).join(''), { mode: 0o600 });
  await chmod(env, 0o600); // an existing file keeps its mode through writeFile
  return { profile: path.resolve(file), env: path.resolve(env) };
}

/** The account fields that are secrets: the ready line names an environment variable for each instead (`…Env`). */
const SECRET_FIELDS: Readonly<Record<string, string>> = { password: 'PASSWORD', sipPassword: 'SIP_PASSWORD', tuiPin: 'TUI_PIN' };

/**
 * The accounts as the ready line shows them: each secret replaced by the name of the variable that holds it,
 * as a profile names it, and the values in `secrets` (mode 0600, beside the PKI's keys, gone when the
 * simulator stops): stdout is often a log, and a password there is a password in a log.
 */
async function withheld(accounts: readonly unknown[], pkiDir: string): Promise<{ accounts: unknown[]; secrets?: string }> {
  const env = new Map<string, string>();
  const shown = accounts.map((account, i) => {
    const a = account as Record<string, unknown>;
    const who = String(a.name ?? a.systemId ?? a.role ?? i).toUpperCase().replace(/[^A-Z0-9]+/g, '_');
    return Object.fromEntries(
      Object.entries(a).map(([k, v]) => {
        if (SECRET_FIELDS[k] === undefined || typeof v !== 'string') return [k, v];
        let name = `EVVM_SIM_${who}_${SECRET_FIELDS[k]}`;
        while (env.has(name)) name += '_';
        env.set(name, v);
        return [`${k}Env`, name];
      }),
    );
  });
  if (env.size === 0) return { accounts: shown };
  const secrets = path.join(pkiDir, 'accounts.env');
  await writeFile(secrets, [...env].map(([k, v]) => `${k}=${v}\n`).join(''), { mode: 0o600 });
  return { accounts: shown, secrets };
}

async function simulate(role: string, config: Config, profileOut?: string): Promise<() => Promise<void>> {
  const { sharedTestPki, writePki } = require('../../../simulators/crypto/pki') as typeof import('../../../simulators/crypto/pki');
  const { loadProfile } = require('../../profile/profile') as typeof import('../../profile/profile');
  const { demoAccounts } = require('../../topology/accounts') as typeof import('../../topology/accounts');
  const { ControlServer } = require('../../control/control-server') as typeof import('../../control/control-server');
  const start = standaloneRoles().simulatedRole(role)!;
  const pki = await sharedTestPki();
  const pkiDir = await mkdtemp(path.join(os.tmpdir(), 'evvm-pki-'));
  await writePki(pki, pkiDir, { includeKeys: true });
  const profile = loadProfile(config.profile);
  const accounts = demoAccounts(randomUUID().slice(0, 8));
  const served = await start({ pki, pkiDir, profile, accounts, faults: config.faults, host: config.host });
  if (profileOut && !served.iutProfile) {
    await served.stop();
    await rm(pkiDir, { recursive: true, force: true });
    throw new UsageError(`simulate ${role} --profile-out: this role cannot stand in for an implementation under test yet`);
  }
  const control = new ControlServer({ 'GET /health': () => ({ role, ready: true }), ...served.routes });
  const controlUrl = await control.listen(config.host);
  const written = profileOut ? await writeIutProfile(role, profileOut, served.iutProfile!(controlUrl)) : undefined;
  const ready = {
    role,
    ready: true,
    endpoints: { ...served.endpoints, control: controlUrl },
    trust: served.trust ?? { ca: path.join(pkiDir, 'ca.pem'), clientCert: path.join(pkiDir, 'evvm-client.crt'), clientKey: path.join(pkiDir, 'evvm-client.key') },
    ...(await withheld(served.accounts ?? accounts.map((a) => ({ name: a.name, identifiers: Object.values(a.identifiers), password: a.password, blocked: a.blocked })), pkiDir)),
    ...(written ? { profile: written } : {}),
  };
  process.stdout.write(JSON.stringify(ready) + '\n');
  return async () => {
    await control.close();
    await served.stop();
    await rm(pkiDir, { recursive: true, force: true });
  };
}
