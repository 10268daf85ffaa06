/**
 * Parsing and validating the catalogue's YAML: loaded only when the catalogue is not already parsed
 * (derived.ts), since the YAML parser and the schema library are most of a command's start.
 */
import { isSeq, LineCounter } from 'yaml';
import { z } from 'zod';
import { yamlDocument } from '../input';
import { CatalogueError, FAULT_PATTERN, REQUIREMENT_ID_PATTERN, ROLES, STRENGTHS } from './index';
import type { Requirement } from './types';

/** Candidate IDs (inferred for missing spec text) end in -Cnn. */
const CANDIDATE_ID_PATTERN = /-C\d{2}$/;

const nonEmpty = z.string().trim().min(1, { error: 'must not be empty' });

const SourceSchema = z.strictObject({
  document: nonEmpty,
  file: nonEmpty.optional(),
  clause: nonEmpty,
});

const ApplicabilitySchema = z
  .strictObject({
    policy: z
      .string()
      .regex(/^policy(\.[A-Za-z][A-Za-z0-9]*)+$/, { error: 'policy must be a profile path like policy.interfaces.x.mutualAuth' })
      .optional(),
    capability: z
      .string()
      .regex(/^[a-z][a-z0-9-]*(:[A-Za-z0-9_-]+)?$/, { error: "capability must look like 'psk-tls' or 'sasl:SCRAM-SHA-256'" })
      .optional(),
    note: nonEmpty.optional(),
  })
  .refine((a) => a.policy !== undefined || a.capability !== undefined, {
    error: 'applicability needs a policy or a capability',
  });

const RequirementSchema: z.ZodType<Requirement> = z.strictObject({
  id: z.string().regex(REQUIREMENT_ID_PATTERN, {
    error: 'bad id pattern, expected PREFIX(-WORD)*-NN or -CNN with PREFIX one of EVVM, CPM, VVM, STD, PRAC (e.g. EVVM-AUTH-01, EVVM-SMS-C01)',
  }),
  keyword: nonEmpty,
  strength: z.enum(STRENGTHS, { error: `unknown strength, expected one of ${STRENGTHS.join(', ')}` }),
  candidate: z.boolean({ error: 'must be true or false' }),
  title: nonEmpty,
  text: nonEmpty,
  source: SourceSchema,
  roles: z.array(z.enum(ROLES, { error: `unknown role, expected one of ${ROLES.join(', ')}` })).min(1, {
    error: 'needs at least one role',
  }),
  interface: z
    .string()
    .regex(/^IF-([1-9]|1[01])$/, { error: 'interface must be IF-1 … IF-11 (spec.md a.2)' })
    .optional(),
  applicability: ApplicabilitySchema.optional(),
  faults: z.array(
    z.string().regex(FAULT_PATTERN, { error: 'fault must be ROLE:NAME in kebab-case, e.g. evvm-server:skip-password-check' }),
  ),
  notes: nonEmpty.optional(),
  flagged: nonEmpty.optional(),
});

/** One line, whatever a library put in its message. */
function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ').trim();
}

function describeValue(v: unknown): string {
  const s = JSON.stringify(v);
  if (s === undefined) return String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function fieldPath(p: readonly PropertyKey[]): string {
  let out = '';
  for (const k of p) out += typeof k === 'number' ? `[${k}]` : out === '' ? String(k) : `.${String(k)}`;
  return out;
}

/**
 * Parses and validates catalogue YAML text. `name` appears at the start of every error line.
 * Returns the requirements in file order.
 */
export function parseCatalogue(text: string, name = 'requirements.yaml'): Requirement[] {
  const lineCounter = new LineCounter();
  const doc = yamlDocument(text, { lineCounter });
  if (doc.errors.length > 0) {
    throw new CatalogueError(
      doc.errors.map((e) => {
        // prettyErrors would add a multi-line snippet; the offset gives the position instead.
        const pos = e.linePos?.[0] ?? lineCounter.linePos(e.pos[0]);
        const at = `${name}:${pos.line}:${pos.col}`;
        return `${at}: YAML syntax error: ${oneLine(e.message.split('\n')[0] ?? e.message)}`;
      }),
    );
  }
  const root = doc.contents;
  if (!isSeq(root)) {
    throw new CatalogueError([`${name}: expected a YAML list of requirements at the top level`]);
  }
  const data: unknown = doc.toJS();
  const items = data as unknown[]; // a sequence node converts to an array

  const lineOf = (i: number): number => {
    const node = root.items[i] as { range?: [number, number, number] } | undefined;
    return node?.range ? lineCounter.linePos(node.range[0]).line : 0;
  };
  /** The line of the field itself when it exists, else the line of the entry. */
  const lineOfField = (i: number, p: readonly PropertyKey[]): number => {
    const node = p.length > 0 ? (doc.getIn([i, ...p], true) as { range?: [number, number, number] } | undefined) : undefined;
    return node?.range ? lineCounter.linePos(node.range[0]).line : lineOf(i);
  };
  const where = (i: number, p: readonly PropertyKey[] = []): string => {
    const raw = items[i];
    const id =
      raw !== null && typeof raw === 'object' && typeof (raw as { id?: unknown }).id === 'string'
        ? ` (${(raw as { id: string }).id})`
        : '';
    return `${name}:${lineOfField(i, p)}: entry ${i + 1}${id}`;
  };

  const problems: string[] = [];
  const out: Requirement[] = [];
  items.forEach((raw, i) => {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      problems.push(`${where(i)}: expected a mapping with id, keyword, strength, …`);
      return;
    }
    const r = RequirementSchema.safeParse(raw, { reportInput: true });
    if (!r.success) {
      for (const iss of r.error.issues) {
        if (iss.code === 'unrecognized_keys') {
          const at = fieldPath(iss.path);
          problems.push(`${where(i, iss.path)}${at ? ` field "${at}"` : ''}: unknown field(s) ${iss.keys.map((k) => `"${k}"`).join(', ')}`);
          continue;
        }
        const got = 'input' in iss && iss.input !== undefined ? ` (got ${describeValue(iss.input)})` : '';
        const missing = 'input' in iss && iss.input === undefined && iss.code === 'invalid_type';
        problems.push(`${where(i, iss.path)} field "${fieldPath(iss.path)}": ${missing ? 'missing' : oneLine(iss.message) + got}`);
      }
      return;
    }
    out.push(r.data);
  });

  // Checks across fields and entries, only on entries that passed the schema.
  const firstIndex = new Map<string, number>();
  items.forEach((raw, i) => {
    const req = raw as Partial<Requirement>;
    if (typeof req?.id !== 'string' || !REQUIREMENT_ID_PATTERN.test(req.id)) return;
    const first = firstIndex.get(req.id);
    if (first !== undefined) {
      problems.push(`${where(i)} field "id": duplicate id, first defined at line ${lineOf(first)} (entry ${first + 1})`);
    } else {
      firstIndex.set(req.id, i);
    }
    if (typeof req.candidate === 'boolean' && req.candidate !== CANDIDATE_ID_PATTERN.test(req.id)) {
      problems.push(
        `${where(i)} field "candidate": must be true exactly for candidate IDs (ending in -Cnn), got ${String(req.candidate)}`,
      );
    }
    if (Array.isArray(req.faults)) {
      const seen = new Set<string>();
      req.faults.forEach((f, k) => {
        if (seen.has(f)) problems.push(`${where(i, ['faults', k])} field "faults[${k}]": duplicate fault "${f}"`);
        seen.add(f);
      });
    }
  });

  if (problems.length > 0) throw new CatalogueError(problems);
  return out;
}
