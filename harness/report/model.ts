import type { TranscriptEntry } from '../../evidence/transcript';
import type { Strength, RequirementSource } from '../catalogue/types';

/** Per requirement, rolled up from its scenarios (design.md "Verdicts"). */
export type RequirementVerdict =
  | 'pass'
  | 'fail'
  | 'warning'
  | 'inconclusive'
  | 'not-applicable'
  /** not applicable because the service provider's policy waives a SHALL (e.g. EVVM-AUTH-08, spec.md Q3): reported as a waiver, never as a pass */
  | 'waived'
  | 'error'
  /** no scenario covers it yet */
  | 'untested';

/** What one scenario says about its requirement, after classifying how it ended. */
export type ScenarioOutcome = 'pass' | 'fail' | 'inconclusive' | 'not-applicable' | 'error';

export type Polarity = 'positive' | 'negative';

/** An OpenID-style condition: a small check tied to a requirement, with the evidence it looked at. */
export interface CheckRecord {
  requirement: string;
  condition: string;
  result: 'success' | 'failure';
  message: string;
  evidence?: Record<string, unknown>;
}

export interface StepResult {
  keyword: string;
  text: string;
  status: string;
  durationMs: number;
  error?: string;
}

export interface ScenarioResult {
  name: string;
  /** feature file, relative to the project root */
  uri: string;
  line: number;
  polarity: Polarity;
  /** cucumber's status of the test case: passed, failed, skipped, undefined, ambiguous, pending */
  status: string;
  outcome: ScenarioOutcome;
  /** why it was inconclusive, not applicable or an error */
  reason?: string;
  durationMs: number;
  tags: string[];
  requirementIds: string[];
  steps: StepResult[];
  checks: CheckRecord[];
  transcript: TranscriptEntry[];
  /** path of the evidence file, relative to the output folder */
  evidence?: string;
  /** a Scenario Outline's row: the Examples row's values (its line is `line`); absent for a plain Scenario */
  example?: string[];
}

export interface RequirementResult {
  id: string;
  keyword: string;
  strength: Strength;
  title: string;
  text: string;
  source: RequirementSource;
  candidate: boolean;
  verdict: RequirementVerdict;
  reason: string;
  scenarios: ScenarioResult[];
}

export interface RunSummary {
  requirements: number;
  pass: number;
  fail: number;
  warning: number;
  inconclusive: number;
  notApplicable: number;
  waived: number;
  error: number;
  untested: number;
  verdict: 'conformant' | 'not-conformant' | 'inconclusive';
}

export interface RunInfo {
  id: string;
  startedAt: string;
  finishedAt: string;
  topology: string;
  profile: string;
  faults: string[];
  tags?: string;
  /** topology 'containers': the image and each role's container, with where its output is in the evidence */
  containers?: ContainersInfo;
  /** the run was stopped (SIGINT, SIGTERM) before every selected scenario ran: the report holds what ran */
  interrupted?: true;
  /** an interrupted run: the scenarios selected and those that ran */
  scenarios?: { planned: number; ran: number };
  /** certify --draft: the bundle is a draft, not a certification */
  draft?: true;
  /** what was tested, as the profile names it: shown first in the HTML report */
  tested?: TestedSystem;
  /** the implementation under test's declaration checked against what it advertised on the wire, once per run */
  declaration?: DeclarationCheck;
}

/** One capability as the profile declares it and as the implementation under test advertised it. */
export interface Advertised {
  /** in the spec's words: `SASL SCRAM-SHA-256`, `the LOGIN command`, `STARTTLS`, `PSK-TLS on TLSv1.3` */
  capability: string;
  /** the profile field that declares it */
  field: string;
  declared: boolean;
  /** absent: it could not be seen (the reason is in `seen`) */
  offered?: boolean;
  /** what on the wire showed it */
  seen: string;
  /** the requirements whose scenarios exercise it */
  requirements: string[];
}

/** A declaration the wire contradicts: declared and not offered (its scenarios fail), or offered and not declared (they do not run). */
export interface DeclarationFinding {
  capability: string;
  field: string;
  kind: 'declared-not-offered' | 'offered-not-declared';
  requirements: string[];
  message: string;
}

/** What the implementation under test advertised (recorded once, before the first scenario) and how it compares with the profile. */
export interface DeclarationCheck {
  role: string;
  /** what was seen, in order: `CAPABILITY before TLS on the STARTTLS port` → `IMAP4rev1 STARTTLS LOGINDISABLED` */
  observed: Array<{ what: string; value: string }>;
  capabilities: Advertised[];
  findings: DeclarationFinding[];
  /** why nothing (or not everything) could be compared */
  note?: string;
  /** the observation's transcript (every connection it made), in evidence/declaration.json */
  transcript: TranscriptEntry[];
}

/** The profile's name and description, and the implementation under test when its `iut:` section names one. */
export interface TestedSystem {
  profileName: string;
  description?: string;
  /** absent: no implementation under test, every role is one of the harness's simulators */
  iut?: { role: string; host: string; servername?: string; ports: Record<string, number> };
}

export interface ContainersInfo {
  image: string;
  network: string;
  roles: Record<string, { container: string; aliases: string[]; log: string }>;
}

export interface RunReport {
  schemaVersion: 1;
  harness: { name: 'evvm-conformance'; version: string };
  run: RunInfo;
  summary: RunSummary;
  requirements: RequirementResult[];
}
