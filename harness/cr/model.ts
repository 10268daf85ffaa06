/**
 * What `cr analyze` and `cr diff` report. The JSON output is exactly these objects (schemaVersion 1).
 */
import type { Strength } from '../catalogue/types';
import type { RequirementVerdict } from '../report/model';
import type { ScenarioSummary } from './coverage';
import type { CrFormat } from './document';
import type { LevelChange, NormalizedKeyword } from './keywords';
import type { MatchMethod } from './match';

export interface RequirementMatch {
  id: string;
  title: string;
  /** the catalogue's keyword for it ("SHALL", "expected", "defined") */
  keyword: string;
  candidate: boolean;
  /** 1.00 exact, 0.95 same text with another keyword, below that the similarity */
  confidence: number;
  method: MatchMethod;
  /** the statement's keyword compared with the catalogue's; n/a when either is not normative */
  change: LevelChange | 'n/a';
}

export interface CrStatement {
  /** S1, S2, … in document order */
  id: string;
  line: number;
  /** the clause as the CR names it: "§6.4 Security Considerations, Authentication" */
  clause: string;
  text: string;
  /** normative: carries a keyword; descriptive: no keyword, but the catalogue tracks it */
  kind: 'normative' | 'descriptive';
  /** as written ("SHALL", "are expected to", "may"); '' for a descriptive statement */
  keyword: string;
  normalizedKeyword?: NormalizedKeyword;
  /** from the keyword; a descriptive statement takes its requirement's */
  strength: Strength;
  /** the keyword comes from the list's lead sentence ("SHALL support the following:") */
  inherited: boolean;
  /** "is subject to: Service provider's policy; Service provider's deployment" */
  conditions: string[];
  status: 'matched' | 'new';
  matches: RequirementMatch[];
  /** a new statement's best candidate below the threshold */
  nearest?: { id: string; confidence: number };
  scenarios: ScenarioSummary[];
  /** scenarios per matched requirement ID */
  coverage: Array<{ id: string; scenarios: number }>;
  /** every matched requirement has a scenario (a new statement is never covered) */
  covered: boolean;
  /** the worst change against the matched requirements */
  change: LevelChange | 'n/a';
}

export type FindingCode =
  | 'no-change-proposal'
  | 'lowercase-keyword'
  | 'ambiguous-keyword'
  | 'conditional-shall'
  | 'untestable'
  | 'obsolete-reference'
  | 'heading-mismatch'
  | 'heading-numbering'
  | 'change-target-missing'
  | 'announced-missing';

export type Severity = 'error' | 'warning' | 'info';

export interface CrFinding {
  code: FindingCode;
  severity: Severity;
  line?: number;
  /** the statement it is about (S3) */
  statement?: string;
  message: string;
  /** the words it is about, as written ("may", "RFC2246", "4. Authentication") */
  subject?: string;
  /** obsolete-reference: what replaces it */
  successor?: string;
  /** announced-missing: catalogue requirements (candidates) written for the missing text */
  ids?: string[];
}

export interface DroppedRequirement {
  id: string;
  keyword: string;
  strength: Strength;
  title: string;
  clause: string;
}

export interface ExitVerdict {
  status: 0 | 1;
  /** the --fail-on categories in force */
  failOn: string[];
  /** one line per category that triggered */
  reasons: string[];
}

export interface CrAnalysis {
  schemaVersion: 1;
  kind: 'cr-analysis';
  file: string;
  format: CrFormat;
  changeProposal: { found: boolean; heading?: string; line: number };
  changes: Array<{ n: number; line: number; text: string; target?: { number: string; title?: string }; heading?: string }>;
  statements: CrStatement[];
  findings: CrFinding[];
  /** catalogue requirements of the clauses this CR rewrites that it no longer contains */
  dropped: DroppedRequirement[];
  summary: {
    statements: number;
    normative: number;
    descriptive: number;
    matched: number;
    new: number;
    covered: number;
    /** statements (not informative) without any scenario */
    uncovered: number;
    weakened: number;
    strengthened: number;
    inverted: number;
    dropped: number;
    errors: number;
    warnings: number;
    infos: number;
  };
  exit: ExitVerdict;
}

export type ChangeKind = 'added' | 'removed' | 'strengthened' | 'weakened' | 'inverted' | 'reworded' | 'moved';

export interface DiffSide {
  text: string;
  keyword: string;
  clause: string;
  line?: number;
  /** the catalogue ID (catalogue side) or the matched IDs (CR side) */
  ids: string[];
}

export interface DiffChange {
  kind: ChangeKind;
  old?: DiffSide;
  new?: DiffSide;
  /** how similar the paired texts are (keyword-neutral); absent for added/removed */
  similarity?: number;
  /** requirement IDs the change affects */
  ids: string[];
  scenarios: ScenarioSummary[];
}

export interface CrRunResult {
  tags: string;
  verdict: string;
  requirements: Array<{ id: string; verdict: RequirementVerdict; scenarios: number; reason: string }>;
  problems: string[];
}

export interface CrDiff {
  schemaVersion: 1;
  kind: 'cr-diff';
  old: { file: string; source: 'cr' | 'catalogue'; statements: number };
  new: { file: string; source: 'cr' | 'catalogue'; statements: number };
  changes: DiffChange[];
  unchanged: number;
  /** catalogue vs CR: catalogue entries outside the clauses the CR rewrites (or candidates), not compared */
  notCompared?: number;
  rerun: { ids: string[]; tags: string; scenarios: ScenarioSummary[] };
  run?: CrRunResult;
  summary: Record<ChangeKind, number>;
  exit: ExitVerdict;
}
