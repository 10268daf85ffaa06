/**
 * The requirement catalogue: loads harness/catalogue/requirements.yaml, validates it, and answers by ID.
 * Every error is one line naming the file, the line, the entry and the field, so a spec author can fix
 * the YAML without reading this code.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { INPUT_LIMITS, readInputFile } from '../input';
import { derived, libraryIdentity } from './derived';
import type { Requirement } from './types';

export type { Requirement, Strength, RequirementSource, Applicability } from './types';

/** The project's ID scheme: EVVM-AUTH-01, EVVM-SMS-C01, CPM-MS-AUTH-06, VVM-01, STD-01, PRAC-01, … */
export const REQUIREMENT_ID_PATTERN = /^(EVVM|CPM|VVM|STD|PRAC)(-[A-Z]+)*-C?\d{2}$/;
/** A fault switch: ROLE:NAME, both kebab-case (evvm-server:skip-password-check). */
export const FAULT_PATTERN = /^[a-z][a-z0-9]*(-[a-z0-9]+)*:[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

export const STRENGTHS = ['mandatory', 'recommended', 'optional', 'informative'] as const;
/** Roles a requirement can constrain (types.ts); a typo here would silently detach a requirement from its simulator. */
export const ROLES = [
  'evvm-server',
  'evvm-client',
  'message-storage',
  'smsc',
  'forwarding-gateway',
  'non-oma-vm',
] as const;

export function isRequirementId(s: string): boolean {
  return REQUIREMENT_ID_PATTERN.test(s);
}

/** Thrown for any problem in the catalogue; `message` is the first problem, `problems` has them all. */
export class CatalogueError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.length > 1 ? `${problems[0]} (and ${problems.length - 1} more)` : (problems[0] ?? 'invalid catalogue'));
    this.name = 'CatalogueError';
  }
}

/**
 * Parses and validates catalogue YAML text. `name` appears at the start of every error line.
 * Returns the requirements in file order.
 */
export function parseCatalogue(text: string, name = 'requirements.yaml'): Requirement[] {
  return (require('./parse') as typeof import('./parse')).parseCatalogue(text, name);
}

/** Walks up from `start` to the folder holding package.json (the compiled code runs from dist/…). */
export function findProjectRoot(start: string = __dirname): string {
  let dir = path.resolve(start);
  for (;;) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${start}: cannot locate the project root`);
    dir = parent;
  }
}

export function defaultCataloguePath(): string {
  return path.join(findProjectRoot(), 'harness', 'catalogue', 'requirements.yaml');
}

function deepFreeze<T>(o: T): T {
  if (o !== null && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}

const cache = new Map<string, { list: Requirement[]; byId: Map<string, Requirement> }>();

function loadCached(file?: string): { list: Requirement[]; byId: Map<string, Requirement> } {
  const resolved = path.resolve(file ?? defaultCataloguePath());
  let hit = cache.get(resolved);
  if (!hit) {
    let text: string;
    try {
      text = readInputFile(resolved, INPUT_LIMITS.catalogue);
    } catch (e) {
      throw new CatalogueError([`${resolved}: cannot read the catalogue: ${(e as Error).message}`]);
    }
    const parsed = derived('catalogue', [__filename, require.resolve('./parse'), require.resolve('../input')], [libraryIdentity('yaml'), libraryIdentity('zod'), text], () =>
      parseCatalogue(text, path.relative(process.cwd(), resolved) || resolved),
    );
    // Entries are shared by every caller: frozen, so one caller cannot change another's view.
    const list = deepFreeze(parsed);
    hit = { list, byId: new Map(list.map((r) => [r.id, r])) };
    cache.set(resolved, hit);
  }
  return hit;
}

/**
 * The requirements of the catalogue, in file order (default: harness/catalogue/requirements.yaml under
 * the project root). Parsed once per path; the entries are frozen, the returned array is a fresh copy.
 */
export function loadCatalogue(file?: string): Requirement[] {
  return loadCached(file).list.slice();
}

/** The requirement with this ID, or undefined. */
export function requirementById(id: string, file?: string): Requirement | undefined {
  return loadCached(file).byId.get(id);
}
