/**
 * Statement candidates of a change proposal: every sentence, with the list that follows it.
 *
 * A list after "… the following …:" (or "as below", "as follows") enumerates what the lead sentence
 * requires: each item becomes its own statement, the lead's keyword inherited ("the EVVM Enabler SHALL
 * support the following …: · Preserving the integrity of the voicemail"). A list after any other
 * colon completes the lead sentence ("… and is subject to: · Service provider's policy. · …"): one
 * statement. Items are joined with " · ", the form the catalogue quotes them in.
 */
import { clauseLabel, type CrDocument, lineAt } from './document';
import { findKeywords, isNegated, type KeywordHit, principalKeyword } from './keywords';
import { splitSentences, squash } from './normalize';

export interface Candidate {
  text: string;
  line: number;
  clause: string;
  /** index of the clause in the document, and of the section in the clause */
  clauseIndex: number;
  sectionIndex: number;
  hits: KeywordHit[];
  principal?: KeywordHit;
  /** the principal keyword comes from the list's lead sentence, not from the item */
  inherited: boolean;
  /** what a "subject to", "depending on", "where applicable" makes the statement depend on */
  conditions: string[];
}

const ENUMERATES = /\b(?:the following|as follows|as below|listed below|below)\b/i;
const CONDITION_RE =
  /\b((?:is|are)\s+subject\s+to|depending\s+on|where\s+applicable|if\s+applicable|as\s+appropriate|at\s+the\s+discretion\s+of|according\s+to\s+(?:the\s+)?(?:service\s+provider|operator)(?:'s|’s)?\s+polic(?:y|ies))\b:?\s*(.*)$/i;

function conditionsOf(text: string): string[] {
  const m = CONDITION_RE.exec(text);
  if (!m) return [];
  const what = (m[2] as string)
    .split(/\s*·\s*/)
    .map((s) => s.replace(/[\s.,;]+$/, '').trim())
    .filter(Boolean)
    .join('; ');
  const head = squash(m[1] as string);
  return [what ? `${head}: ${what}` : head];
}

function candidate(
  text: string,
  line: number,
  at: { clause: string; clauseIndex: number; sectionIndex: number },
  leadLength = 0,
): Candidate {
  const hits = findKeywords(text);
  const principal = principalKeyword(hits);
  const inherited = principal !== undefined && leadLength > 0 && hits.every((h) => h.start < leadLength);
  return { text, line, ...at, hits, ...(principal ? { principal } : {}), inherited, conditions: conditionsOf(text) };
}

/** Where one clause of a sentence ends and the next begins: ", and", " but", ";", ",". */
const CLAUSE_BOUNDARY = /,?\s+(?:and|but|while|whereas)\s+|\s*;\s*|,\s+/g;

/**
 * "The EVVM Server SHALL accept X and SHALL NOT accept Y" is two statements with opposite keywords:
 * read as one, under the first keyword, a change to the other half goes unseen (weakened to MAY NOT, or
 * dropped). The sentence is cut wherever the polarity of its keywords changes, at the last clause
 * boundary before the next keyword; a half that starts with its keyword takes the sentence's subject
 * (the words before the first keyword). Without such a boundary the sentence stays whole.
 */
export function splitByPolarity(text: string): string[] {
  const hits = findKeywords(text);
  const subject = hits[0] ? text.slice(0, hits[0].start).trim() : '';
  const parts: string[] = [];
  let from = 0;
  for (let i = 1; i < hits.length; i++) {
    const prev = hits[i - 1] as KeywordHit;
    const next = hits[i] as KeywordHit;
    if (isNegated(prev.keyword) === isNegated(next.keyword)) continue;
    const boundary = [...text.slice(prev.end, next.start).matchAll(CLAUSE_BOUNDARY)].pop();
    if (!boundary) continue;
    parts.push(text.slice(from, prev.end + boundary.index));
    from = prev.end + boundary.index + boundary[0].length;
  }
  if (parts.length === 0) return [text];
  parts.push(text.slice(from));
  return parts.map((part, i) => {
    const own = i > 0 && findKeywords(part)[0]?.start === 0 && subject ? `${subject} ${part}` : part;
    const sentence = own.trim().replace(/[\s,;]+$/, '');
    return (sentence.charAt(0).toUpperCase() + sentence.slice(1)).replace(/([^.!?])$/, '$1.');
  });
}

/** Every sentence of the proposal (lists attached as above), in document order. */
export function extractCandidates(doc: CrDocument): Candidate[] {
  const out: Candidate[] = [];
  doc.clauses.forEach((clause, clauseIndex) => {
    clause.sections.forEach((section, sectionIndex) => {
      const at = { clause: clauseLabel(clause, section), clauseIndex, sectionIndex };
      for (const p of section.paragraphs) {
        const sentences = splitSentences(p.text);
        const addSentences = (ss: typeof sentences): void => {
          for (const s of ss) for (const part of splitByPolarity(s.text)) out.push(candidate(part, lineAt(p, s.start), at));
        };
        if (p.items.length === 0) {
          addSentences(sentences);
          continue;
        }
        const lead = sentences[sentences.length - 1];
        const leadText = lead?.text ?? '';
        addSentences(lead ? sentences.slice(0, -1) : []);
        if (ENUMERATES.test(leadText) || !leadText) {
          for (const item of p.items) {
            const text = leadText ? `${leadText} · ${item.text}` : item.text;
            out.push(candidate(text, item.line, at, leadText ? leadText.length : 0));
          }
        } else if (/:$/.test(leadText)) {
          const text = `${leadText} · ${p.items.map((i) => i.text).join(' · ')}`;
          out.push(candidate(text, lineAt(p, lead?.start ?? 0), at));
        } else {
          out.push(candidate(leadText, lineAt(p, lead?.start ?? 0), at));
          for (const item of p.items) out.push(candidate(item.text, item.line, at));
        }
      }
    });
  });
  return out;
}
