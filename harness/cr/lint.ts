/**
 * What a reviewer raises on a CR before approving it: keyword hygiene (lower-case or non-RFC 2119
 * wording), a SHALL made conditional on policy, statements without a testable subject or outcome,
 * obsolete references, headings or numbering that disagree with the clause the CR says it changes, and
 * aspects the clause announces but never delivers (a cut-off text).
 */
import type { Requirement } from '../catalogue/types';
import type { Clause, CrDocument } from './document';
import { findKeywords, isNegated } from './keywords';
import type { CrFinding, CrStatement, Severity } from './model';
import { compressIds, normalizeTypography } from './normalize';

interface Obsolete {
  pattern: RegExp;
  /** what it is, for the message */
  what: string;
  successor: string;
  why: string;
  severity: Severity;
}

/** References a reviewer asks to update; the successor is what the CR should cite instead. */
export const OBSOLETE_REFERENCES: readonly Obsolete[] = [
  { pattern: /\bRFC\s?-?\s?2222\b/gi, what: 'RFC 2222 (SASL)', successor: 'RFC 4422', why: 'obsoleted by RFC 4422', severity: 'warning' },
  {
    pattern: /\bRFC\s?-?\s?2246\b/gi,
    what: 'RFC 2246 (TLS 1.0)',
    successor: 'RFC 8446 (TLS 1.3) or RFC 5246 (TLS 1.2)',
    why: 'obsoleted by RFC 4346 and then RFC 5246; TLS 1.0 is deprecated by RFC 8996',
    severity: 'warning',
  },
  {
    pattern: /\bRFC\s?-?\s?4346\b/gi,
    what: 'RFC 4346 (TLS 1.1)',
    successor: 'RFC 8446 (TLS 1.3) or RFC 5246 (TLS 1.2)',
    why: 'obsoleted by RFC 5246; TLS 1.1 is deprecated by RFC 8996',
    severity: 'warning',
  },
  {
    pattern: /\bTLS\s?v?1(?:\.[01])?(?!\.?\d)/gi,
    what: 'TLS 1.0/1.1',
    successor: 'TLS 1.2 (RFC 5246) or TLS 1.3 (RFC 8446)',
    why: 'deprecated by RFC 8996',
    severity: 'warning',
  },
  { pattern: /\bSSL\s?v?[23](?:\.0)?\b/gi, what: 'SSL 2.0/3.0', successor: 'TLS 1.2 or TLS 1.3', why: 'prohibited by RFC 6176 and RFC 7568', severity: 'warning' },
  { pattern: /\bRFC\s?-?\s?2831\b|\bDIGEST-MD5\b/gi, what: 'DIGEST-MD5 (RFC 2831)', successor: 'SCRAM-SHA-256 (RFC 7677)', why: 'moved to Historic by RFC 6331', severity: 'warning' },
  { pattern: /\bRFC\s?-?\s?2487\b/gi, what: 'RFC 2487 (SMTP STARTTLS)', successor: 'RFC 3207', why: 'obsoleted by RFC 3207', severity: 'warning' },
  { pattern: /\bRFC\s?-?\s?2554\b/gi, what: 'RFC 2554 (SMTP AUTH)', successor: 'RFC 4954', why: 'obsoleted by RFC 4954', severity: 'warning' },
  { pattern: /\bRFC\s?-?\s?(?:2633|3851|5751)\b/gi, what: 'S/MIME 3.x', successor: 'RFC 8551', why: 'obsoleted; S/MIME 4.0 is RFC 8551', severity: 'warning' },
  { pattern: /\bRFC\s?-?\s?(?:2630|3369|3852)\b/gi, what: 'CMS', successor: 'RFC 5652', why: 'obsoleted by RFC 5652', severity: 'warning' },
  { pattern: /\bRFC\s?-?\s?2060\b/gi, what: 'RFC 2060 (IMAP4rev1)', successor: 'RFC 9051 (and RFC 3501)', why: 'obsoleted by RFC 3501, itself obsoleted by RFC 9051', severity: 'warning' },
  {
    pattern: /\bRFC\s?-?\s?3501\b/gi,
    what: 'RFC 3501 (IMAP4rev1)',
    successor: 'RFC 9051 (IMAP4rev2)',
    why: 'obsoleted by RFC 9051 (IMAP4rev1 is still widely deployed: keep RFC 3501 only where IMAP4rev1 is meant)',
    severity: 'info',
  },
];

/** A party the statement can hold to account. */
const ACTOR_RE =
  /\b(?:servers?|clients?|users?|subscribers?|enablers?|gateways?|systems?|operators?|service providers?|applications?|devices?|UEs?|SMSCs?|ESMEs?|recipients?|originators?|senders?|peers?|implementations?|terminals?|agents?|components?)\b/i;
/** Words that leave the parties or the behaviour open. */
const VAGUE_RE =
  /(?<![\w])(similar|corresponding|appropriate(?:ly)?|suitable|adequate(?:ly)?|sufficient(?:ly)?|reasonable|securely|as needed|if necessary|where necessary|e\.g\.|etc\.|and\/or)(?![\w])/gi;
const CONDITION_START =
  /\b(?:(?:is|are)\s+subject\s+to|depending\s+on|where\s+applicable|if\s+applicable|as\s+appropriate|at\s+the\s+discretion\s+of)\b/i;
const ENUMERATES = /\b(?:the following|as follows|as below|listed below|below)\b/i;

/** Lower case, ASCII quotes, no spaces or punctuation: "Voice Mail" = "voicemail". */
function titleKey(s: string): string {
  return normalizeTypography(s)
    .toLowerCase()
    .replace(/^\s*(?:and|or)\s+/, '')
    .replace(/[^a-z0-9]/g, '');
}

/** The statement a word on `line` belongs to: the last one starting at or before the line that contains it. */
function statementFor(statements: readonly CrStatement[], line: number, written: string): CrStatement | undefined {
  // statements are in document order, so their lines ascend: binary search for the last one at or before `line`.
  let lo = 0;
  let hi = statements.length - 1;
  let last = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((statements[mid] as CrStatement).line <= line) {
      last = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  // A paragraph holds a few sentences: look back a little, not through the whole CR.
  for (let i = last; i >= 0 && i > last - 50; i--) {
    const s = statements[i] as CrStatement;
    if (s.text.includes(written)) return s;
  }
  return undefined;
}

function keywordFindings(doc: CrDocument, statements: readonly CrStatement[]): CrFinding[] {
  const out: CrFinding[] = [];
  for (const { text, line } of doc.contentLines) {
    for (const h of findKeywords(text)) {
      const s = statementFor(statements, line, h.written);
      const at = { line, ...(s ? { statement: s.id } : {}), subject: h.written };
      if (h.keyword === 'EXPECTED') {
        out.push({
          code: 'ambiguous-keyword',
          severity: 'warning',
          ...at,
          message: `"${h.written}" is not RFC 2119 wording: write SHOULD (or SHALL) if it is normative, or make the sentence informative`,
        });
      } else if (h.keyword === 'OPTIONAL' && /\s/.test(h.written)) {
        out.push({
          code: 'ambiguous-keyword',
          severity: 'warning',
          ...at,
          message: `"${h.written}" names no party: write who MAY support or use it (e.g. "The Message Storage Server MAY support …")`,
        });
      } else if (h.keyword !== 'SUBJECT TO' && h.written !== h.written.toUpperCase()) {
        const upper = h.written.toUpperCase().replace(/\s+/g, ' ');
        out.push({
          code: 'lowercase-keyword',
          severity: 'warning',
          ...at,
          message: `lower-case "${h.written}": write ${upper} if it is normative, otherwise rephrase without it ("can", "is")`,
        });
      }
    }
  }
  return out;
}

function statementFindings(statements: readonly CrStatement[]): CrFinding[] {
  const out: CrFinding[] = [];
  for (const s of statements) {
    if (s.kind !== 'normative') continue;
    if (s.strength === 'mandatory' && s.conditions.length > 0) {
      out.push({
        code: 'conditional-shall',
        severity: 'error',
        line: s.line,
        statement: s.id,
        subject: `${s.keyword} … ${s.conditions.join('; ')}`,
        message:
          `${s.keyword} made conditional (${s.conditions.join('; ')}): policy can waive a mandatory statement. ` +
          `Make it a SHOULD, or state the condition as a testable applicability ("Where the service provider requires it, … ${isNegated(s.normalizedKeyword ?? 'SHALL') ? s.keyword : 'SHALL'} …")`,
      });
    }
    const problems: string[] = [];
    const head = s.text.split(CONDITION_START)[0] ?? s.text;
    if (!ACTOR_RE.test(head)) problems.push('no testable subject: it names no party that has to act (a server, client, user, gateway, …)');
    const vague = [...new Set([...s.text.matchAll(VAGUE_RE)].map((m) => (m[1] as string).toLowerCase()))];
    if (vague.length > 0) problems.push(`no testable outcome: ${vague.map((v) => `"${v}"`).join(', ')} leave${vague.length === 1 ? 's' : ''} the parties or the behaviour open`);
    const k = findKeywords(s.text).find((h) => h.written === s.keyword);
    if (k && !/[A-Za-z]{2,}/.test(s.text.slice(k.end).replace(/\b(?:be|to|the|a|an|and|is|are|subject|following)\b/gi, ''))) {
      problems.push(`no outcome after "${s.keyword}"`);
    }
    if (problems.length > 0) {
      out.push({ code: 'untestable', severity: 'warning', line: s.line, statement: s.id, message: problems.join('; ') });
    }
  }
  return out;
}

function referenceFindings(doc: CrDocument, statements: readonly CrStatement[]): CrFinding[] {
  const out: CrFinding[] = [];
  for (const { text, line } of doc.proposalLines) {
    for (const o of OBSOLETE_REFERENCES) {
      const seen = new Set<string>();
      for (const m of text.matchAll(o.pattern)) {
        if (seen.has(m[0])) continue;
        seen.add(m[0]);
        const st = statementFor(statements, line, m[0]);
        out.push({
          code: 'obsolete-reference',
          severity: o.severity,
          line,
          ...(st ? { statement: st.id } : {}),
          subject: m[0],
          successor: o.successor,
          message: `${o.what} is ${o.why}: cite ${o.successor}`,
        });
      }
    }
  }
  return out;
}

function headingFindings(clause: Clause): CrFinding[] {
  const out: CrFinding[] = [];
  const change = clause.change;
  const target = change?.target;
  const heading = clause.heading;
  if (change && !target) {
    out.push({
      code: 'change-target-missing',
      severity: 'info',
      line: change.line,
      subject: `Change ${change.n}`,
      message: `Change ${change.n} does not name the clause it changes${heading ? ` (its heading reads "${heading.raw}")` : ''}: write "Update Section …"`,
    });
  }
  if (change && target) {
    const said = `§${target.number}${target.title ? ` "${target.title}"` : ''}`;
    if (!heading) {
      out.push({ code: 'heading-mismatch', severity: 'warning', line: change.line, subject: `Change ${change.n}`, message: `Change ${change.n} updates ${said}, but no heading follows` });
    } else {
      if (heading.number && heading.number !== target.number) {
        out.push({
          code: 'heading-mismatch',
          severity: 'warning',
          line: heading.line,
          subject: heading.raw,
          message: `Change ${change.n} updates ${said}, but the heading reads "${heading.raw}" (number ${heading.number}, expected ${target.number})`,
        });
      }
      if (!heading.number) {
        out.push({ code: 'heading-numbering', severity: 'info', line: heading.line, subject: heading.raw, message: `the heading "${heading.raw}" has no number (Change ${change.n} updates ${said})` });
      }
      if (target.title && heading.title && titleKey(target.title) !== titleKey(heading.title)) {
        out.push({
          code: 'heading-mismatch',
          severity: 'warning',
          line: heading.line,
          subject: heading.raw,
          message: `Change ${change.n} updates "${target.title}", but the heading reads "${heading.raw}"`,
        });
      }
    }
  }
  const base = target?.number ?? heading?.number;
  const subs = clause.sections.slice(1).flatMap((s) => (s.heading ? [s.heading] : []));
  const numbered = subs.find((h) => h.number);
  for (const h of subs) {
    if (h.number && base && !h.number.startsWith(`${base}.`)) {
      out.push({
        code: 'heading-numbering',
        severity: 'warning',
        line: h.line,
        subject: h.raw,
        message: `subsection heading "${h.raw}" is numbered ${h.number}, which is not under §${base} (expected ${base}.n)`,
      });
    } else if (!h.number && numbered) {
      out.push({ code: 'heading-numbering', severity: 'info', line: h.line, subject: h.raw, message: `subsection heading "${h.raw}" has no number, unlike "${numbered.raw}"` });
    }
  }
  return out;
}

/** Aspects a clause's introduction lists ("provides the following security aspects:") without a section. */
function announcedFindings(clause: Clause, catalogue: readonly Requirement[]): CrFinding[] {
  const out: CrFinding[] = [];
  const subs = clause.sections.slice(1).flatMap((s) => (s.heading ? [titleKey(s.heading.title || s.heading.raw)] : []));
  if (subs.length === 0) return out;
  const has = (item: string): boolean => subs.some((t) => t === item || (t.length > 3 && item.length > 3 && (t.includes(item) || item.includes(t))));
  for (const p of clause.sections[0]?.paragraphs ?? []) {
    if (p.items.length < 2 || !(/:$/.test(p.text) || ENUMERATES.test(p.text))) continue;
    const items = p.items.map((i) => ({ item: i, title: i.text.replace(/^\s*(?:and|or)\s+/i, '').replace(/[\s.,;:]+$/, ''), key: titleKey(i.text) }));
    if (!items.some((i) => has(i.key))) continue;
    for (const { item, title, key } of items) {
      if (has(key)) continue;
      const ids = catalogue.filter((r) => titleKey(r.source.clause).includes(key)).map((r) => r.id);
      const lead = p.text.length > 80 ? `${p.text.slice(0, 77)}…` : p.text;
      out.push({
        code: 'announced-missing',
        severity: 'error',
        line: item.line,
        subject: title,
        ...(ids.length ? { ids } : {}),
        message:
          `"${title}" is announced ("${lead}") but the change proposal has no section for it: the text is cut off or missing` +
          (ids.length ? ` (catalogue candidates for it: ${compressIds(ids)})` : ''),
      });
    }
  }
  return out;
}

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Every finding, by line, errors first on a line. */
export function lint(doc: CrDocument, statements: readonly CrStatement[], catalogue: readonly Requirement[]): CrFinding[] {
  const out: CrFinding[] = [];
  if (!doc.proposal.found) {
    out.push({
      code: 'no-change-proposal',
      severity: 'info',
      message: 'no "Detailed Change Proposal" section: the whole file is read as the changed clause',
    });
  }
  for (const clause of doc.clauses) out.push(...headingFindings(clause), ...announcedFindings(clause, catalogue));
  out.push(...keywordFindings(doc, statements), ...statementFindings(statements), ...referenceFindings(doc, statements));
  return out
    .map((f, i) => ({ f, i }))
    .sort((a, b) => (a.f.line ?? 0) - (b.f.line ?? 0) || SEVERITY_ORDER[a.f.severity] - SEVERITY_ORDER[b.f.severity] || a.i - b.i)
    .map(({ f }) => f);
}
