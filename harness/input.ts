/**
 * Every file a person names to the CLI or in a profile (profiles, configs, trust anchors, certificates,
 * keys, baselines) and every YAML text is read here: only regular files, never more than a limit, and
 * YAML with the core schema only, so that a device, a FIFO or a hostile document gets one line, not a
 * hang, an abort or a constructed object.
 */
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import type { Document, ErrorCode, LineCounter, Node } from 'yaml';

/** Limits by kind of file: generous for what the kind holds, far below what would hurt. */
export const INPUT_LIMITS = {
  /** the largest shipped profile is under 4 KiB; parsing the limit's worth of keys stays well under a second */
  profile: 64 * 1024,
  config: 64 * 1024,
  /** a PEM file: a chain or a bundle of trust anchors */
  pem: 1024 * 1024,
  /** the requirement catalogue (about 50 KiB) */
  catalogue: 5 * 1024 * 1024,
  /** a previous conformance.json */
  report: 64 * 1024 * 1024,
} as const;

/** A file that cannot be used; the message is one line naming the file. */
export class InputFileError extends Error {
  override readonly name = 'InputFileError';
}

function kind(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** The UTF-8 text of a regular file of at most `limit` bytes. */
export function readInputFile(file: string, limit: number): string {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO for reading must not wait for a writer; fstat then refuses it
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    throw new InputFileError(`cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new InputFileError(`cannot read ${file} (${kind(st)}, not a regular file)`);
    if (st.size > limit) throw new InputFileError(`cannot read ${file} (${st.size} bytes, the limit is ${limit})`);
    // one byte more than the limit: a file that grew since fstat is refused, not truncated
    const buf = Buffer.alloc(Math.min(st.size, limit) + 1);
    let n = 0;
    for (let r; n < buf.length && (r = readSync(fd, buf, n, buf.length - n, null)) > 0; ) n += r;
    if (n > limit) throw new InputFileError(`cannot read ${file} (more than ${limit} bytes)`);
    return buf.subarray(0, n).toString('utf8');
  } catch (e) {
    if (e instanceof InputFileError) throw e;
    throw new InputFileError(`cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  } finally {
    closeSync(fd);
  }
}

/** A YAML text that is not plain data; the message is one line. */
export class YamlError extends Error {
  override readonly name = 'YamlError';
}

/**
 * Parses YAML as data: the core schema without the optional known tags (no !!binary, !!set, !!omap,
 * !!timestamp; !!js/function was never known), and an unknown tag, which
 * the `yaml` package only warns about and then reads as a string, is an error, and so is a collection or
 * an alias as a map key (the package would stringify it, warning on stderr). Duplicate keys are found
 * here in one pass: the package's own check compares each key with every earlier one (quadratic).
 * Every problem is in `doc.errors` with its line; the catalogue reads them there, others call parseYaml.
 */
export function yamlDocument(text: string, options: { lineCounter?: LineCounter } = {}): Document.Parsed {
  // loaded here, not when this module is: reading the catalogue's file needs no YAML parser when it is already parsed
  const { isScalar, LineCounter, parseDocument, visit, YAMLParseError } = require('yaml') as typeof import('yaml');
  const lineCounter = options.lineCounter ?? new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, schema: 'core', resolveKnownTags: false, uniqueKeys: false });
  const problem = (pos: [number, number], code: ErrorCode, message: string): void => {
    const e = new YAMLParseError(pos, code, message);
    e.linePos = [lineCounter.linePos(pos[0])];
    doc.errors.push(e);
  };
  for (const w of doc.warnings) if (w.code === 'TAG_RESOLVE_FAILED') problem(w.pos, w.code, w.message);
  visit(doc, {
    Map(_, map) {
      const seen = new Set<unknown>();
      for (const { key } of map.items) {
        // a mapping or sequence as a key has no place in data (the package would stringify it, with a warning on stderr)
        if (!isScalar(key)) {
          problem([(key as Node | null)?.range?.[0] ?? 0, (key as Node | null)?.range?.[1] ?? 0], 'NON_STRING_KEY', 'a map key must be a plain value, not a collection or an alias');
          continue;
        }
        const id = key.value;
        if (seen.has(id)) problem([key.range?.[0] ?? 0, key.range?.[1] ?? 0], 'DUPLICATE_KEY', `Map keys must be unique: ${String(id)}`);
        seen.add(id);
      }
    },
  });
  return doc;
}

/** Parses YAML text as plain data, or throws a YamlError: the first problem and its line, one line. */
export function parseYaml(text: string): unknown {
  const doc = yamlDocument(text);
  const first = doc.errors[0];
  if (first) {
    const at = first.linePos?.[0];
    throw new YamlError(`${first.message.split('\n')[0]}${at ? ` at line ${at.line}, column ${at.col}` : ''}`);
  }
  try {
    return doc.toJS();
  } catch (e) {
    // the alias count limit (an alias bomb) is found only when the data is built
    throw new YamlError((e as Error).message.split('\n')[0]!);
  }
}
