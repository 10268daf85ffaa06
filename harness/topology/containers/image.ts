/**
 * The simulators' image, built from this repository once and then reused (tagged by a hash of what goes
 * into it). No registry is needed: unless EVVM_IMAGE_BASE names one (e.g. node:20-bookworm-slim), the base
 * is assembled from this machine's node and openssl binaries and the libraries they load.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { chmod, copyFile, cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { GenericContainer, ImageName, getContainerRuntimeClient } from 'testcontainers';
import { projectRoot } from '../../paths';

const IMAGE = 'evvm-conformance-sim';
// the tag names the assembly's version too: v2 keeps /tmp world-writable (sticky), as programs expect
const LOCAL_BASE = 'evvm-conformance-base';
const LOCAL_BASE_VERSION = 'v3';

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(p));
    else if (entry.isFile()) out.push(p);
  }
  return out.sort();
}

/** A tag that changes whenever what goes into the image changes. */
function contentKey(root: string, parts: readonly string[], extra: string): string {
  const h = createHash('sha256').update(extra).update(process.version);
  for (const f of parts) h.update(f).update(readFileSync(path.join(root, f)));
  return h.digest('hex').slice(0, 16);
}

function onPath(name: string): string {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    const p = path.join(dir, name);
    if (dir && existsSync(p)) return p;
  }
  throw new Error(`${name} is not on PATH: it is needed to assemble the containers' base image`);
}

/** The shared libraries a binary loads, as ldd lists them. */
function librariesOf(binary: string): string[] {
  const out = execFileSync('ldd', [binary], { encoding: 'utf8' });
  return [...out.matchAll(/(\/\S+) \(0x/g)].map((m) => m[1]!);
}

async function place(rootfs: string, source: string, target = source): Promise<void> {
  const dest = path.join(rootfs, target);
  await mkdir(path.dirname(dest), { recursive: true });
  await copyFile(realpathSync(source), dest);
  await chmod(dest, statSync(realpathSync(source)).mode & 0o777);
}

async function buildLocalBase(log: (line: string) => void): Promise<string> {
  const assembly = createHash('sha256').update(readFileSync(path.join(projectRoot(), 'docker/base/Dockerfile'))).update(LOCAL_BASE_VERSION).digest('hex').slice(0, 8);
  const tag = `${LOCAL_BASE}:node${process.versions.node}-${assembly}`;
  if (await exists(tag)) return tag;
  log(`assembling the base image ${tag} from ${process.execPath} and openssl (no registry needed)`);
  await buildFrom('docker/base/Dockerfile', tag, {}, async (dir) => {
    const rootfs = path.join(dir, 'rootfs');
    const openssl = onPath('openssl');
    await place(rootfs, process.execPath, '/usr/local/bin/node');
    await place(rootfs, openssl, '/usr/bin/openssl');
    for (const lib of new Set([...librariesOf(process.execPath), ...librariesOf(openssl)])) await place(rootfs, lib);
    for (const cnf of ['/usr/lib/ssl/openssl.cnf', '/etc/ssl/openssl.cnf']) if (existsSync(cnf)) await place(rootfs, cnf);
    await mkdir(path.join(rootfs, 'tmp'));
    await chmod(path.join(rootfs, 'tmp'), 0o1777);
  });
  return tag;
}

/** The production dependencies only: the image has no use for the compiler or the type definitions. */
function productionPackages(root: string): string[] {
  const out = execFileSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const top = new Set<string>();
  for (const line of out.split('\n')) {
    const rel = path.relative(path.join(root, 'node_modules'), line.trim());
    if (!line.trim() || rel.startsWith('..') || rel.includes(`${path.sep}node_modules${path.sep}`)) continue;
    top.add(rel);
  }
  return [...top];
}

async function exists(tag: string): Promise<boolean> {
  return (await getContainerRuntimeClient()).image.exists(ImageName.fromString(tag));
}

/** Builds `dockerfile` with a context folder filled by `fill`, removed afterwards. */
async function buildFrom(dockerfile: string, tag: string, args: Record<string, string>, fill: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'evvm-image-'));
  try {
    await fill(dir);
    await copyFile(path.join(projectRoot(), dockerfile), path.join(dir, 'Dockerfile'));
    // with a .dockerignore, testcontainers packs files only: the empty /tmp of the base would be lost
    if (dockerfile === 'docker/Dockerfile') await writeFile(path.join(dir, '.dockerignore'), 'Dockerfile\n.dockerignore\n');
    // the context is packed with the process's umask applied: 0 keeps modes as they are (/tmp stays 1777)
    const umask = process.umask(0);
    try {
      await GenericContainer.fromDockerfile(dir).withBuildArgs(args).build(tag, { deleteOnExit: false });
    } finally {
      process.umask(umask);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The runtime image (base + production dependencies), rebuilt only when the lock file or the base changes. */
async function ensureDeps(root: string, log: (line: string) => void): Promise<string> {
  const baseTag = process.env.EVVM_IMAGE_BASE || (await buildLocalBase(log));
  const tag = `${IMAGE}-deps:${contentKey(root, ['package.json', 'package-lock.json', 'docker/deps.Dockerfile'], baseTag)}`;
  if (await exists(tag)) return tag;
  log(`building the runtime image ${tag} on ${baseTag}`);
  await buildFrom('docker/deps.Dockerfile', tag, { BASE: baseTag }, async (dir) => {
    await copyFile(path.join(root, 'package.json'), path.join(dir, 'package.json'));
    for (const pkg of productionPackages(root)) await cp(path.join(root, 'node_modules', pkg), path.join(dir, 'node_modules', pkg), { recursive: true, verbatimSymlinks: true });
  });
  return tag;
}

/** The simulators' image tag; builds what is missing (the local base, the runtime, the code layer). */
export async function ensureImage(log: (line: string) => void): Promise<string> {
  const root = projectRoot();
  const deps = await ensureDeps(root, log);
  // dist/.cache (the parsed catalogue and features, harness/catalogue/derived.ts) is this machine's, and other commands write it meanwhile
  const cache = path.join(root, 'dist', '.cache');
  const code = (p: string): boolean => p !== cache && !p.startsWith(cache + path.sep);
  const dist = filesUnder(path.join(root, 'dist')).filter(code).map((p) => path.relative(root, p));
  const tag = `${IMAGE}:${contentKey(root, ['docker/Dockerfile', ...dist], deps)}`;
  if (await exists(tag)) return tag;
  log(`building the simulators' image ${tag}`);
  await buildFrom('docker/Dockerfile', tag, { DEPS: deps }, (dir) => cp(path.join(root, 'dist'), dir, { recursive: true, filter: code }));
  return tag;
}
