/**
 * Reads a change request (OMA CR template: 1 Reason for Change … 6 Detailed Change Proposal) as plain
 * text (a Word export: one paragraph per line, '·' bullets) or Markdown (wrapped paragraphs, '#'
 * headings, '-' lists), and gives the detailed change proposal as clauses, sections, paragraphs and the
 * list items that follow a paragraph. A file without the CR template is read as one changed clause.
 */
import { findKeywords } from './keywords';
import { BULLET_GLYPHS, squash } from './normalize';

export type CrFormat = 'text' | 'markdown';

export interface Heading {
  line: number;
  /** the heading as written (without Markdown markers) */
  raw: string;
  /** clause number as written, without a trailing dot: "4", "6.4", "5.1.2" */
  number?: string;
  title: string;
  /** '#' count of a Markdown ATX heading */
  mdLevel?: number;
}

export interface ChangeInstruction {
  /** "Change 1" -> 1 */
  n: number;
  line: number;
  /** the instruction after "Change N:" */
  text: string;
  /** the clause it says it changes, when it names one: "Update Section 6.4, Security Considerations." */
  target?: { number: string; title?: string };
}

export interface ListItem {
  marker: string;
  /** the item text without its marker */
  text: string;
  line: number;
}

export interface Paragraph {
  /** lines joined by single spaces; '' for a list that follows a heading directly */
  text: string;
  line: number;
  /** where each source line starts in `text`, to give a sentence its line */
  segments: Array<{ offset: number; line: number }>;
  /** the list that follows the paragraph (its items introduce, or complete, the last sentence) */
  items: ListItem[];
}

export interface Section {
  /** undefined for the clause's introduction when the clause has no heading */
  heading?: Heading;
  paragraphs: Paragraph[];
}

export interface Clause {
  change?: ChangeInstruction;
  heading?: Heading;
  /** sections[0] is the introduction (its heading is the clause heading); then one per subsection */
  sections: Section[];
}

export interface CrDocument {
  format: CrFormat;
  proposal: {
    /** false: no "Detailed Change Proposal" heading, the whole file was read as the changed clause */
    found: boolean;
    /** the heading as written, when found */
    heading?: string;
    /** first and last line of the proposal (1-based, inclusive) */
    line: number;
    endLine: number;
  };
  clauses: Clause[];
  /** the proposal's paragraph and list-item lines (Markdown inline markup removed), for line-based lint */
  contentLines: Array<{ text: string; line: number }>;
  /** every line of the proposal, for reference scans */
  proposalLines: Array<{ text: string; line: number }>;
}

/** The section titles of the OMA CR template. */
const TEMPLATE_HEADING =
  /^\s*(?:#{1,6}\s*)?(?:\d+(?:\.\d+)*\.?\s+)?(reason for change|impact on backward compatibility|impact on other specifications|intellectual property rights|recommendations?|detailed change proposal)\s*:?\s*#*\s*$/i;

const CHANGE_RE = /^\s*change\s+(\d+)\s*[:.)\u2013-]\s*(.*)$/i;
const ATX_RE = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
const MD_ITEM_RE = /^(\s*)([-*+]|\d{1,3}[.)]|\(?[a-z]\)|[·•▪◦‣∙●○■□])\s+(.*)$/;
const TEXT_ITEM_RE = new RegExp(`^(\\s*)([${BULLET_GLYPHS}]|[-\u2013*](?=\\s)|\\(?[a-z]\\)|\\(?\\d{1,2}\\))\\s*(.*)$`);
const NUMBERED_RE = /^\s*(\d+(?:\.\d+)*)\.?\s+(\S.*?)\s*$/;
const NUMBER_ONLY_RE = /^\s*(\d+(?:\.\d+)*)\.?\s*$/;

/** Markdown when the extension says so, or when the text has ATX headings. */
export function detectFormat(text: string, fileName?: string): CrFormat {
  if (fileName && /\.(md|markdown|mdown|mkd)$/i.test(fileName)) return 'markdown';
  if (fileName && /\.txt$/i.test(fileName)) return 'text';
  return /^\s{0,3}#{1,6}\s+\S/m.test(text) ? 'markdown' : 'text';
}

/** Emphasis, escapes, links and comments out; the words stay. Line by line, so line numbers survive. */
function stripInlineMarkdown(s: string): string {
  // Bounded spans: an unclosed '*' or '[' in a long line must not make these regexes quadratic.
  return s
    .replace(/<!--.{0,500}?-->/g, '')
    .replace(/!?\[([^\]\n]{0,300})\]\([^)\n]{0,500}\)/g, '$1')
    .replace(/\*\*(.{1,300}?)\*\*/g, '$1')
    .replace(/__(.{1,300}?)__/g, '$1')
    .replace(/(^|[\s(])([*_])(\S|\S[^*_]{0,300}?\S)\2(?=[\s).,;:!?]|$)/g, '$1$3')
    .replace(/`([^`]*)`/g, '$1')
    .replace(/\\([\\`*_{}[\]()#+\-.!|<>~])/g, '$1')
    .replace(/\s+$/, '');
}

/** Short, no closing punctuation, no normative keyword: could be a heading. */
function headingLike(title: string): boolean {
  const t = title.trim();
  if (!t || t.length > 100 || /[.,:;!?]$/.test(t) || !/^[A-Z0-9\u00C0-\u024F]/.test(t)) return false;
  if (t.split(/\s+/).length > 10) return false;
  return findKeywords(t).length === 0;
}

/** An unnumbered plain-text line is a heading only in Title Case ("Security of Voice Mail Contents"). */
function titleCase(title: string): boolean {
  const words = title.trim().split(/\s+/);
  if (words.length > 8) return false;
  return words.every((w) => w.length < 4 || !/^[a-z]/.test(w));
}

export function parseHeadingText(raw: string, line: number, mdLevel?: number): Heading {
  const text = squash(raw);
  const only = NUMBER_ONLY_RE.exec(text);
  if (only) return { line, raw: text, number: only[1] as string, title: '', ...(mdLevel ? { mdLevel } : {}) };
  const m = NUMBERED_RE.exec(text);
  if (m) return { line, raw: text, number: m[1] as string, title: m[2] as string, ...(mdLevel ? { mdLevel } : {}) };
  return { line, raw: text, title: text, ...(mdLevel ? { mdLevel } : {}) };
}

/** "Update Section 6.4, Security Considerations." -> { number: '6.4', title: 'Security Considerations' } */
export function parseChangeTarget(text: string): ChangeInstruction['target'] {
  const m = /(?:\b(?:section|clause|subclause|chapter)|§)\s*(\d+(?:\.\d+)*)\.?\s*(.*)$/i.exec(text);
  if (!m) return undefined;
  let rest = (m[2] as string).replace(/^[\s,:\u2013-]+/, '');
  const quoted = /^["'\u201C\u2018](.+?)["'\u201D\u2019]/.exec(rest);
  if (quoted) rest = quoted[1] as string;
  rest = rest.split(/[.;(]|\s+(?:of|in)\s+(?:the\s+)?(?:AD|TS|RD|document|specification)\b/i)[0] as string;
  const title = squash(rest);
  return { number: m[1] as string, ...(title ? { title } : {}) };
}

type Block =
  | { type: 'heading'; heading: Heading }
  | { type: 'change'; change: ChangeInstruction }
  | { type: 'para'; lines: Array<{ text: string; line: number }> }
  | { type: 'item'; marker: string; lines: Array<{ text: string; line: number }> };

interface RawLine {
  text: string;
  line: number;
}

function toBlocks(lines: readonly RawLine[], format: CrFormat): Block[] {
  const blocks: Block[] = [];
  let blankBefore = true;
  let inFence = false;
  for (let i = 0; i < lines.length; i++) {
    const { line } = lines[i] as RawLine;
    let text = (lines[i] as RawLine).text;
    if (format === 'markdown') {
      if (/^\s{0,3}(```|~~~)/.test(text)) {
        inFence = !inFence;
        continue;
      }
      if (inFence) continue;
    }
    if (!text.trim()) {
      blankBefore = true;
      continue;
    }
    const last = blocks[blocks.length - 1];
    const wasBlank = blankBefore;
    blankBefore = false;

    if (format === 'markdown') {
      const atx = ATX_RE.exec(text);
      if (atx) {
        blocks.push({ type: 'heading', heading: parseHeadingText(stripInlineMarkdown(atx[2] as string), line, (atx[1] as string).length) });
        continue;
      }
      const next = lines[i + 1]?.text ?? '';
      if (last?.type !== 'item' && /^\s{0,3}(=+|-{2,})\s*$/.test(next) && !MD_ITEM_RE.test(text)) {
        blocks.push({ type: 'heading', heading: parseHeadingText(stripInlineMarkdown(text), line, /=/.test(next) ? 1 : 2) });
        i++;
        continue;
      }
      const bold = /^\s*(\*\*|__)([^*_]+)\1\s*$/.exec(text);
      if (bold && headingLike(bold[2] as string)) {
        blocks.push({ type: 'heading', heading: parseHeadingText(bold[2] as string, line) });
        continue;
      }
      text = stripInlineMarkdown(text);
    }

    const change = CHANGE_RE.exec(text);
    if (change) {
      const instr = squash(change[2] as string);
      const target = parseChangeTarget(instr);
      blocks.push({ type: 'change', change: { n: Number(change[1]), line, text: instr, ...(target ? { target } : {}) } });
      continue;
    }

    const item = (format === 'markdown' ? MD_ITEM_RE : TEXT_ITEM_RE).exec(text);
    if (item && (item[3] as string).trim()) {
      // "a)" and "1)" are part of the text ("As for above point b)"); glyphs and '-' are not.
      const marker = item[2] as string;
      const body = (item[3] as string).trim();
      blocks.push({ type: 'item', marker, lines: [{ text: /[a-z0-9]/i.test(marker) && !/^\d+\.$/.test(marker) ? `${marker} ${body}` : body, line }] });
      continue;
    }

    if (format === 'markdown') {
      // A paragraph runs until a blank line; an item's lines continue it (lazily, or indented after a blank).
      if (last?.type === 'para' && !wasBlank) {
        last.lines.push({ text: text.trim(), line });
        continue;
      }
      if (last?.type === 'item' && (!wasBlank || /^\s{2,}/.test(text))) {
        last.lines.push({ text: text.trim(), line });
        continue;
      }
      blocks.push({ type: 'para', lines: [{ text: text.trim(), line }] });
      continue;
    }

    // Plain text: one paragraph per line; a heading is numbered, a lone number, or a Title Case line.
    const numbered = NUMBERED_RE.exec(text);
    if (numbered && headingLike(numbered[2] as string)) {
      blocks.push({ type: 'heading', heading: parseHeadingText(text, line) });
      continue;
    }
    if (NUMBER_ONLY_RE.test(text)) {
      let j = i + 1;
      while (j < lines.length && !(lines[j] as RawLine).text.trim()) j++;
      const title = lines[j]?.text.trim() ?? '';
      if (headingLike(title) && !NUMBERED_RE.test(title)) {
        blocks.push({ type: 'heading', heading: parseHeadingText(`${text.trim()} ${title}`, line) });
        i = j;
      } else {
        blocks.push({ type: 'heading', heading: parseHeadingText(text, line) });
      }
      continue;
    }
    if (headingLike(text) && titleCase(text)) {
      blocks.push({ type: 'heading', heading: parseHeadingText(text, line) });
      continue;
    }
    blocks.push({ type: 'para', lines: [{ text: text.trim(), line }] });
  }
  return blocks;
}

function paragraphOf(lines: ReadonlyArray<{ text: string; line: number }>): Paragraph {
  const segments: Paragraph['segments'] = [];
  let text = '';
  for (const l of lines) {
    if (text) text += ' ';
    segments.push({ offset: text.length, line: l.line });
    text += squash(l.text);
  }
  return { text, line: lines[0]?.line ?? 0, segments, items: [] };
}

/** The source line of an offset in a paragraph's text. */
export function lineAt(p: Paragraph, offset: number): number {
  let line = p.line;
  for (const s of p.segments) {
    if (s.offset <= offset) line = s.line;
    else break;
  }
  return line;
}

/** Parses CR text; `fileName` only helps to detect the format. */
export function parseCr(text: string, options: { format?: CrFormat; fileName?: string } = {}): CrDocument {
  const format = options.format ?? detectFormat(text, options.fileName);
  const all = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);

  let start = 0;
  let end = all.length;
  let found = false;
  let heading: string | undefined;
  let level = 0; // '#' count of a Markdown proposal heading: a heading as high ends the proposal
  for (let i = 0; i < all.length; i++) {
    const line = all[i] as string;
    const atx = format === 'markdown' ? ATX_RE.exec(line) : null;
    if (found && atx && level > 0 && (atx[1] as string).length <= level) {
      end = i;
      break;
    }
    const m = TEMPLATE_HEADING.exec(line);
    if (!m) continue;
    if (!found && /detailed change proposal/i.test(m[1] as string)) {
      found = true;
      heading = squash(line.replace(/^\s*#+\s*/, '').replace(/\s*#+\s*$/, ''));
      level = atx ? (atx[1] as string).length : 0;
      start = i + 1;
    } else if (found) {
      end = i;
      break;
    }
  }

  const proposalLines = all.slice(start, end).map((t, k) => ({ text: t, line: start + k + 1 }));
  const blocks = toBlocks(proposalLines, format);

  const clauses: Clause[] = [];
  const contentLines: CrDocument['contentLines'] = [];
  let clause: Clause | undefined;
  let section: Section | undefined;
  let previous: Block['type'] | undefined;
  const newClause = (c: Omit<Clause, 'sections'>): void => {
    section = c.heading ? { heading: c.heading, paragraphs: [] } : { paragraphs: [] };
    clause = { ...c, sections: [section] };
    clauses.push(clause);
  };

  for (const b of blocks) {
    if (b.type === 'change') {
      newClause({ change: b.change });
    } else if (b.type === 'heading') {
      const h = b.heading;
      if (!clause || !section) {
        newClause({ heading: h });
      } else if (!clause.heading && clause.sections.length === 1 && section.paragraphs.length === 0) {
        clause.heading = h; // the first heading after "Change N" names the changed clause
        section.heading = h;
      } else if (clause.heading?.mdLevel !== undefined && h.mdLevel !== undefined && h.mdLevel <= clause.heading.mdLevel) {
        newClause({ heading: h }); // a Markdown heading at the clause's level starts another clause
      } else {
        section = { heading: h, paragraphs: [] };
        clause.sections.push(section);
      }
    } else {
      if (!clause || !section) newClause({});
      const sec = section as Section;
      for (const l of b.lines) contentLines.push({ text: l.text, line: l.line });
      if (b.type === 'para') {
        sec.paragraphs.push(paragraphOf(b.lines));
      } else {
        const item: ListItem = { marker: b.marker, text: squash(b.lines.map((l) => l.text).join(' ')), line: b.lines[0]?.line ?? 0 };
        const lastPara = sec.paragraphs[sec.paragraphs.length - 1];
        if (lastPara && (previous === 'para' || previous === 'item')) lastPara.items.push(item);
        else {
          const p = paragraphOf([]);
          p.line = item.line;
          p.items.push(item);
          sec.paragraphs.push(p);
        }
      }
    }
    previous = b.type;
  }

  return {
    format,
    proposal: {
      found,
      ...(heading ? { heading } : {}),
      line: found ? start : 1,
      endLine: end,
    },
    clauses,
    contentLines,
    proposalLines,
  };
}

/** "§6.4 Security Considerations, Authentication": the number the CR says it changes, then the titles. */
export function clauseLabel(clause: Clause, section?: Section): string {
  const number = clause.change?.target?.number ?? clause.heading?.number;
  const title = clause.heading?.title || clause.change?.target?.title || '';
  const head = [number ? `§${number}` : '', title].filter(Boolean).join(' ');
  const sub = section && section.heading && section.heading !== clause.heading ? section.heading.title || section.heading.raw : '';
  return [head, sub].filter(Boolean).join(', ') || '(unnamed clause)';
}
