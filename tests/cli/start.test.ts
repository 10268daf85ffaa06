/**
 * Fast start (issue 17): each command loads what it needs when it needs it. Judged by the modules a real
 * CLI process loaded (never by timing): `--version` loads package.json and no more, `--help` commander and nothing heavy,
 * `requirements`, `cr` and `simulate` no cucumber runtime, and nothing but the container topology the
 * Docker client.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { cli, simulate } from './cli';

const PRELOAD = path.join(__dirname, 'loaded-modules.js');
const CR_FIXTURE = path.resolve(__dirname, '../../../tests/cr/fixtures/000_f109c382ee08737c.txt');

const DOCKER_CLIENT = /\/node_modules\/(testcontainers|dockerode|docker-modem)\//;
const CUCUMBER_RUNTIME = /\/node_modules\/@cucumber\/cucumber\//;
const HEAVY = [DOCKER_CLIENT, CUCUMBER_RUNTIME, /\/node_modules\/(zod|yaml|imapflow|@peculiar\/x509)\//, /\/dist\/(simulators\/(?!faults\.js)|steps\/|harness\/engine\/)/];

async function withLoadedModules(run: (env: Record<string, string>) => Promise<void>): Promise<string[]> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'evvm-start-'));
  try {
    const file = path.join(dir, 'modules.txt');
    await run({ NODE_OPTIONS: `--require "${PRELOAD}"`, EVVM_LOADED_MODULES: file });
    return (await readFile(file, 'utf8')).split('\n').filter(Boolean);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function loadedBy(args: string[]): Promise<string[]> {
  return withLoadedModules(async (env) => {
    const r = await cli(args, 120_000, env);
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
  });
}

function assertNone(modules: readonly string[], patterns: readonly RegExp[], what: string): void {
  for (const p of patterns) {
    const hit = modules.find((m) => p.test(m));
    assert.equal(hit, undefined, `${what} loaded ${hit}`);
  }
}

for (const args of [['--version'], ['-V']]) {
  test(`${args.join(' ')} loads the entry point and the version (package.json), nothing else`, async () => {
    const modules = (await loadedBy(args)).filter((m) => m !== PRELOAD).map((m) => path.relative(path.resolve(__dirname, '../..'), m));
    assert.deepEqual(modules.sort(), ['harness/cli/main.js', 'harness/paths.js', 'harness/version.js']);
  });
}

test('--help loads commander and nothing heavy', async () => {
  const modules = await loadedBy(['--help']);
  assert.ok(modules.some((m) => m.includes('/node_modules/commander/')), 'the recorder saw commander');
  assertNone(modules, HEAVY, '--help');
});

test('requirements and cr analyze load no cucumber runtime, no simulator, no Docker client', async () => {
  for (const args of [['requirements'], ['cr', 'analyze', CR_FIXTURE, '--fail-on', 'none']]) {
    const modules = await loadedBy(args);
    assert.ok(modules.some((m) => m.endsWith('/dist/harness/catalogue/index.js')), `${args[0]}: the recorder saw the catalogue`);
    assertNone(modules, [DOCKER_CLIENT, CUCUMBER_RUNTIME, /\/dist\/(simulators\/(?!faults\.js)|steps\/)/], args.join(' '));
  }
});

test('requirements, once the catalogue and the features are parsed, loads no YAML, schema or Gherkin parser', async () => {
  await loadedBy(['requirements']); // parses them, if no command did since they changed
  const modules = await loadedBy(['requirements']);
  assert.ok(modules.some((m) => m.endsWith('/dist/harness/catalogue/features.js')), 'the recorder saw the feature index');
  assertNone(modules, [/\/node_modules\/(yaml|zod|@cucumber\/gherkin)\//], 'requirements');
});

test('simulate loads its simulators but no cucumber runtime and no Docker client; a SIGTERM right after the ready line stops it cleanly', async () => {
  let pkiDir = '';
  const modules = await withLoadedModules(async (env) => {
    const { ready, child } = await simulate('evvm-server', env);
    pkiDir = path.dirname((ready as { trust: { ca: string } }).trust.ca);
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  });
  assert.equal(existsSync(pkiDir), false, 'the test PKI folder (keys included) was removed');
  assert.ok(modules.some((m) => m.includes('/dist/simulators/evvm-server/')), 'the recorder saw the EVVM Server');
  assertNone(modules, [DOCKER_CLIENT, CUCUMBER_RUNTIME], 'simulate evvm-server');
});

test('an embedded run loads cucumber but no Docker client', async () => {
  const out = await mkdtemp(path.join(os.tmpdir(), 'evvm-start-run-'));
  try {
    const modules = await loadedBy(['run', '--tags', '@EVVM-AUTH-03', '--out', out]);
    assert.ok(modules.some((m) => CUCUMBER_RUNTIME.test(m)), 'the recorder saw cucumber');
    assertNone(modules, [DOCKER_CLIENT], 'run --topology embedded');
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});
