/** One normative (or candidate) statement the harness tests; the machine-readable source of truth. */
export type Strength =
  /** SHALL, MUST, SHALL support, and candidates inferred for missing spec text: a failure is a fail */
  | 'mandatory'
  /** SHOULD, 'expected': a failure is a warning */
  | 'recommended'
  /** MAY, optional, defined mechanisms: tested when the IUT declares the capability, then a failure is a fail */
  | 'optional'
  /** context, no testable outcome */
  | 'informative';

export interface RequirementSource {
  /** source key of ../shared/notes/spec.md Appendix B: CR-SEC, CR-CPM, RFC3501, VVM12-p56, … */
  document: string;
  /** seed file, relative to the shared folder, when the source is a seed */
  file?: string;
  clause: string;
}

export interface Applicability {
  /** profile path of the policy switch that makes the requirement apply, e.g. 'policy.interfaces.fgw.mutualAuth' */
  policy?: string;
  /** declared IUT capability that makes it apply, e.g. 'sasl:SCRAM-SHA-256', 'psk-tls' */
  capability?: string;
  /** why, in one sentence */
  note?: string;
}

export interface Requirement {
  id: string;
  /** the normative word as the source writes it: SHALL, SHOULD, expected, may, optional, candidate, … */
  keyword: string;
  strength: Strength;
  /** inferred for missing spec text; never presented as spec text */
  candidate: boolean;
  title: string;
  /** the exact text (quoted) where the source has it, else the candidate statement */
  text: string;
  source: RequirementSource;
  /** roles the requirement constrains: evvm-server, evvm-client, message-storage, smsc, forwarding-gateway, non-oma-vm */
  roles: string[];
  /** interface label of spec.md a.2 (IF-1 … IF-11) */
  interface?: string;
  applicability?: Applicability;
  /** fault switches (ROLE:NAME) that violate it; only switches the simulators implement */
  faults: string[];
  notes?: string;
  /** a reference of the source text the harness flags instead of obeying (e.g. an obsolete RFC), and what it tests instead */
  flagged?: string;
}
