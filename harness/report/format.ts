/** Small pieces shared by the report writers: source strings, evidence file names, durations. */
import type { RequirementSource } from '../catalogue/types';
import type { Profile } from '../profile/profile';
import { declaredIdentity } from '../profile/sections/iut/declared';
import type { RequirementResult, RunReport, ScenarioResult, TestedSystem } from './model';

/** `CR-SEC §6.4 (seeds/000_….txt)`: the structured source as one readable string. */
export function formatSource(source: RequirementSource): string {
  const clause = source.clause.trim();
  const where = clause === '' ? '' : /^\d/.test(clause) ? ` §${clause}` : ` ${clause}`;
  const file = source.file ? ` (${source.file})` : '';
  return `${source.document}${where}${file}`;
}

/** What the profile says was tested; its accounts and trust material stay out (they are no identity, and may be secret). */
export function describeTested(profile: Profile): TestedSystem {
  const iut = profile.iut && declaredIdentity(profile.iut);
  return {
    profileName: profile.name,
    ...(profile.description !== undefined ? { description: profile.description } : {}),
    ...(iut ? { iut } : {}),
  };
}

/** A file-name-safe slug of a scenario name: ASCII letters, digits and dashes only. */
export function slugify(name: string, max = 60): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, max)
    .replace(/-+$/, '');
  return slug === '' ? 'scenario' : slug;
}

/** One pickle runs once per run, so feature file, line and name identify a scenario result. */
export function scenarioKey(s: Pick<ScenarioResult, 'uri' | 'line' | 'name'>): string {
  return `${s.uri}\u0000${s.line}\u0000${s.name}`;
}

export interface EvidenceFile {
  /** relative to the output folder, always with forward slashes */
  path: string;
  scenario: ScenarioResult;
}

/**
 * Assigns every distinct scenario its evidence file, numbered in report order. A scenario tagged with
 * several requirements appears under each of them but gets one file. Deterministic, so the JSON, JUnit
 * and HTML writers, run separately, all point at the same file.
 */
export class EvidencePlan {
  readonly files: EvidenceFile[] = [];
  private readonly byKey = new Map<string, string>();

  constructor(report: RunReport) {
    for (const req of report.requirements) {
      for (const s of req.scenarios) {
        const key = scenarioKey(s);
        if (this.byKey.has(key)) continue;
        const n = String(this.files.length + 1).padStart(3, '0');
        const path = `evidence/${n}-${slugify(s.name)}.json`;
        this.byKey.set(key, path);
        this.files.push({ path, scenario: s });
      }
    }
  }

  pathFor(s: ScenarioResult): string {
    const path = this.byKey.get(scenarioKey(s));
    if (path === undefined) throw new Error(`scenario not in this report: ${s.uri}:${s.line}`);
    return path;
  }
}

export function countPolarity(req: RequirementResult): { positive: number; negative: number } {
  let positive = 0;
  let negative = 0;
  for (const s of req.scenarios) if (s.polarity === 'negative') negative++;
  else positive++;
  return { positive, negative };
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

/** Seconds with millisecond precision, as JUnit wants them. */
export function seconds(ms: number): string {
  return (Number.isFinite(ms) && ms > 0 ? ms / 1000 : 0).toFixed(3);
}

/**
 * A JSON-safe deep copy with every string passed through `mapString` (the secret scrub, or identity).
 * Check evidence is `Record<string, unknown>`, so anything can turn up: buffers become text (or base64
 * when they are not UTF-8), bigints strings, cycles and over-deep nesting a marker, never a crash.
 */
export function plainCopy(value: unknown, mapString: (s: string) => string = (s) => s): unknown {
  const seen = new WeakSet<object>();
  const walk = (v: unknown, depth: number): unknown => {
    if (typeof v === 'string') return mapString(v);
    if (v === null || typeof v === 'number' || typeof v === 'boolean') return v;
    if (typeof v === 'bigint') return v.toString();
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') return undefined;
    if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
    if (v instanceof Uint8Array) {
      const buf = Buffer.from(v.buffer, v.byteOffset, v.byteLength);
      const text = buf.toString('utf8');
      return mapString(Buffer.from(text, 'utf8').equals(buf) ? text : `base64:${buf.toString('base64')}`);
    }
    if (typeof v !== 'object') return undefined;
    if (seen.has(v)) return '[circular]';
    if (depth > 32) return '[too deep]';
    seen.add(v);
    try {
      if (Array.isArray(v)) return v.map((x) => walk(x, depth + 1) ?? null);
      if (v instanceof Map) return walk(Object.fromEntries(v), depth + 1);
      if (v instanceof Set) return walk([...v], depth + 1);
      if (v instanceof Error) return mapString(`${v.name}: ${v.message}`);
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        const copied = walk(x, depth + 1);
        if (copied !== undefined) out[mapString(k)] = copied;
      }
      return out;
    } finally {
      seen.delete(v); // a shared (non-cyclic) sub-object is copied each time it appears
    }
  };
  return walk(value, 0);
}

/**
 * How far a not-applicable scenario got, for the reader: nothing ran (decided before it started), it
 * stopped at the step that found it not applicable, or it ran without reaching the implementation
 * under test. Undefined for any other outcome.
 */
export function notApplicableRun(s: ScenarioResult): string | undefined {
  if (s.outcome !== 'not-applicable') return undefined;
  if (s.status !== 'skipped') return 'not judged';
  return s.steps.some((st) => st.status !== 'skipped') ? 'stopped in set-up' : 'did not run';
}
