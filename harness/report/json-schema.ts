/**
 * conformance.json, schemaVersion 1 (design.md "conformance.json"), as a zod schema: what the JSON
 * writer produces and what a baseline file must look like. Additive fields beyond the design's sketch:
 * `summary.untested`, requirement `strength`, `text` and `sourceRef`, scenario `outcome`, `reason` and
 * `evidence`, `run.tags`, `run.tested`.
 * `evidence`, `run.tags`, `run.interrupted` with `run.scenarios` (a run stopped by a signal: what ran of what
 * was selected), `run.draft` (certify --draft), `run.declaration` (the IUT's declaration checked against the wire,
 * its transcript in evidence/declaration.json).
 */
import { z } from 'zod';

const verdict = z.enum(['pass', 'fail', 'warning', 'inconclusive', 'not-applicable', 'waived', 'error', 'untested']);
const outcome = z.enum(['pass', 'fail', 'inconclusive', 'not-applicable', 'error']);
const count = z.number().int().nonnegative();

export const conformanceScenarioSchema = z.object({
  name: z.string(),
  uri: z.string(),
  line: z.number().int(),
  polarity: z.enum(['positive', 'negative']),
  status: z.string(),
  durationMs: z.number().nonnegative(),
  outcome,
  reason: z.string().optional(),
  /** relative to the folder holding conformance.json */
  evidence: z.string().optional(),
});

export const conformanceRequirementSchema = z.object({
  id: z.string().min(1),
  keyword: z.string(),
  strength: z.enum(['mandatory', 'recommended', 'optional', 'informative']).optional(),
  title: z.string(),
  text: z.string().optional(),
  /** human-readable, e.g. `CR-SEC §6.4 (seeds/…)` */
  source: z.string(),
  sourceRef: z.object({ document: z.string(), file: z.string().optional(), clause: z.string() }).optional(),
  candidate: z.boolean(),
  verdict,
  reason: z.string(),
  scenarios: z.array(conformanceScenarioSchema),
});

export const conformanceJsonSchema = z.object({
  schemaVersion: z.literal(1),
  harness: z.object({ name: z.literal('evvm-conformance'), version: z.string() }),
  run: z.object({
    id: z.string(),
    startedAt: z.string(),
    finishedAt: z.string(),
    topology: z.string(),
    profile: z.string(),
    faults: z.array(z.string()),
    tags: z.string().optional(),
    containers: z
      .object({ image: z.string(), network: z.string(), roles: z.record(z.string(), z.object({ container: z.string(), aliases: z.array(z.string()), log: z.string() })) })
      .optional(),
    tested: z
      .object({
        profileName: z.string(),
        description: z.string().optional(),
        iut: z.object({ role: z.string(), host: z.string(), servername: z.string().optional(), ports: z.record(z.string(), z.number()) }).optional(),
      })
      .optional(),
    interrupted: z.literal(true).optional(),
    scenarios: z.object({ planned: count, ran: count }).optional(),
    draft: z.literal(true).optional(),
    declaration: z
      .object({
        role: z.string(),
        observed: z.array(z.object({ what: z.string(), value: z.string() })),
        capabilities: z.array(
          z.object({ capability: z.string(), field: z.string(), declared: z.boolean(), offered: z.boolean().optional(), seen: z.string(), requirements: z.array(z.string()) }),
        ),
        findings: z.array(
          z.object({ capability: z.string(), field: z.string(), kind: z.enum(['declared-not-offered', 'offered-not-declared']), requirements: z.array(z.string()), message: z.string() }),
        ),
        note: z.string().optional(),
        /** the observation's transcript, relative to the folder holding conformance.json */
        evidence: z.string(),
      })
      .optional(),
  }),
  summary: z.object({
    requirements: count,
    pass: count,
    fail: count,
    warning: count,
    inconclusive: count,
    notApplicable: count,
    /** optional when reading, like untested */
    waived: count.optional(),
    error: count,
    /** optional when reading, so baselines written before it existed still load */
    untested: count.optional(),
    verdict: z.enum(['conformant', 'not-conformant', 'inconclusive']),
  }),
  requirements: z.array(conformanceRequirementSchema),
});

export type ConformanceJson = z.infer<typeof conformanceJsonSchema>;
export type ConformanceRequirementJson = z.infer<typeof conformanceRequirementSchema>;
export type ConformanceScenarioJson = z.infer<typeof conformanceScenarioSchema>;
