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
const LOCAL_BASE = 'evvm-conformance-base';

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(p));
    else if (entry.isFile()) out.push(p);
  }
  return out.sort();
}

/** What the image is made of: a change to any of it is a new tag. */
function contentKey(root: string, base: string): string {
  const h = createHash('sha256').update(base).update(process.version);
  for (const f of ['package.json', 'package-lock.json', 'docker/Dockerfile', 'docker/base/Dockerfile', ...filesUnder(path.join(root, 'dist')).map((p) => path.relative(root, p))]) {
    h.update(f).update(readFileSync(path.join(root, f)));
  }
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
  const tag = `${LOCAL_BASE}:node${process.versions.node}`;
  const client = await getContainerRuntimeClient();
  if (await client.image.exists(ImageName.fromString(tag))) return tag;
  log(`assembling the base image ${tag} from ${process.execPath} and openssl (no registry needed)`);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'evvm-base-'));
  try {
    const rootfs = path.join(dir, 'rootfs');
    const openssl = onPath('openssl');
    await place(rootfs, process.execPath, '/usr/local/bin/node');
    await place(rootfs, openssl, '/usr/bin/openssl');
    for (const lib of new Set([...librariesOf(process.execPath), ...librariesOf(openssl)])) await place(rootfs, lib);
    for (const cnf of ['/usr/lib/ssl/openssl.cnf', '/etc/ssl/openssl.cnf']) if (existsSync(cnf)) await place(rootfs, cnf);
    await mkdir(path.join(rootfs, 'tmp'));
    await chmod(path.join(rootfs, 'tmp'), 0o1777);
    await copyFile(path.join(projectRoot(), 'docker/base/Dockerfile'), path.join(dir, 'Dockerfile'));
    await GenericContainer.fromDockerfile(dir).build(tag, { deleteOnExit: false });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
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

/** The image tag; builds the image (and the local base) only when no image of this content exists. */
export async function ensureImage(log: (line: string) => void): Promise<string> {
  const root = projectRoot();
  const base = process.env.EVVM_IMAGE_BASE || '';
  const tag = `${IMAGE}:${contentKey(root, base || 'local')}`;
  const client = await getContainerRuntimeClient();
  if (await client.image.exists(ImageName.fromString(tag))) return tag;
  const baseTag = base || (await buildLocalBase(log));
  log(`building the simulators' image ${tag} on ${baseTag}`);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'evvm-image-'));
  try {
    await copyFile(path.join(root, 'docker/Dockerfile'), path.join(dir, 'Dockerfile'));
    await copyFile(path.join(root, 'package.json'), path.join(dir, 'package.json'));
    await cp(path.join(root, 'dist'), path.join(dir, 'dist'), { recursive: true });
    for (const pkg of productionPackages(root)) await cp(path.join(root, 'node_modules', pkg), path.join(dir, 'node_modules', pkg), { recursive: true, verbatimSymlinks: true });
    await writeFile(path.join(dir, '.dockerignore'), '');
    await GenericContainer.fromDockerfile(dir).withBuildArgs({ BASE: baseTag }).build(tag, { deleteOnExit: false });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return tag;
}
