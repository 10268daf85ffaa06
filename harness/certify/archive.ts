/**
 * The bundle's container: a gzip-compressed tar (tar-stream, zlib), regular files only. Reading is for a
 * bundle that may be hostile: every entry's name is checked (relative, no `..`), entries and bytes are
 * bounded, and only the small files the verifier needs are kept in memory; the rest is hashed as it
 * streams by.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rename } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { extract, pack } from 'tar-stream';

export const ARCHIVE_LIMITS = {
  entries: 100_000,
  /** uncompressed bytes of the whole bundle: a full run's is about 25 MB */
  bytes: 2 * 1024 ** 3,
  /** a file the verifier reads whole (the manifest, its signature and digest) */
  kept: 4 * 1024 * 1024,
} as const;

/** A bundle that cannot be read as a tar.gz of regular files within the limits: one line saying why. */
export class ArchiveError extends Error {
  override readonly name = 'ArchiveError';
}

/** Writes `files` into a .tar.gz, in order, through a temporary name. */
export async function writeArchive(archive: string, files: ReadonlyArray<{ name: string; content: Buffer }>, mtime: Date): Promise<void> {
  const tar = pack();
  const tmp = `${archive}.${process.pid}.tmp`;
  const written = pipeline(tar, createGzip(), createWriteStream(tmp, { mode: 0o644 }));
  for (const { name, content } of files) {
    await new Promise<void>((resolve, reject) => tar.entry({ name, size: content.length, mode: 0o644, mtime }, content, (err) => (err ? reject(err) : resolve())));
  }
  tar.finalize();
  await written;
  await rename(tmp, archive);
}

export interface ArchiveContents {
  /** SHA-256 (hex) of every regular file, by name */
  digests: Map<string, string>;
  /** the content of the files asked for, when present and within ARCHIVE_LIMITS.kept */
  kept: Map<string, Buffer>;
  /** entries that are not plain files or appear twice: each one line */
  problems: string[];
}

function unsafeName(name: string): boolean {
  return name === '' || name.startsWith('/') || name.includes('\\') || name.split('/').some((p) => p === '..' || p === '.' || p === '');
}

/** Reads a .tar.gz: the digest of every file, and the content of those named in `keep`. */
export async function readArchive(archive: string, keep: ReadonlySet<string>): Promise<ArchiveContents> {
  const out: ArchiveContents = { digests: new Map(), kept: new Map(), problems: [] };
  let entries = 0;
  let bytes = 0;
  const tar = extract();
  tar.on('entry', (header, stream, next) => {
    const name = header.name;
    // a damaged archive fails the whole pipeline; the entry being read fails with it, and is not a second error
    stream.on('error', () => undefined);
    const refuse = (why: string): void => {
      out.problems.push(`${JSON.stringify(name)}: ${why}`);
      stream.resume();
      stream.on('end', () => next());
    };
    if (++entries > ARCHIVE_LIMITS.entries) return next(new ArchiveError(`more than ${ARCHIVE_LIMITS.entries} entries`));
    if (header.type !== 'file') return refuse(`a ${header.type} entry, where a bundle holds regular files only`);
    if (unsafeName(name)) return refuse('not a plain relative file name');
    if (out.digests.has(name)) return refuse('appears twice');
    const hash = createHash('sha256');
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (data: unknown) => {
      const chunk = data as Buffer;
      size += chunk.length;
      bytes += chunk.length;
      if (bytes > ARCHIVE_LIMITS.bytes) {
        stream.destroy();
        next(new ArchiveError(`more than ${ARCHIVE_LIMITS.bytes} bytes uncompressed`));
        return;
      }
      hash.update(chunk);
      if (keep.has(name) && size <= ARCHIVE_LIMITS.kept) chunks.push(chunk);
    });
    stream.on('end', () => {
      out.digests.set(name, hash.digest('hex'));
      if (keep.has(name) && size <= ARCHIVE_LIMITS.kept) out.kept.set(name, Buffer.concat(chunks));
      next();
    });
  });
  try {
    await pipeline(createReadStream(archive), createGunzip(), tar);
  } catch (err) {
    if (err instanceof ArchiveError) throw err;
    throw new ArchiveError(`not a readable .tar.gz (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  return out;
}
