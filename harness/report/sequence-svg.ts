/**
 * A sequence diagram of one transcript as inline SVG: a lifeline per actor and peer, an arrow per
 * message, a note per event. Hand-drawn on purpose (no external library, works offline).
 *
 * Both ends of a loopback conversation usually record the same line (client `send`, server `recv`),
 * so a `recv` is drawn only when no matching `send` exists: that is the case when the other end is an
 * external IUT, whose messages the harness only sees arriving.
 */
import type { TranscriptEntry } from '../../evidence/transcript';
import { escapeAttr, escapeText, truncate, visible } from './escape';

const COL = 190;
const GUTTER = 64;
const HEAD = 44;
const ROW = 24;
const CHAR = 6.6; // width of one 11px monospace character
const TITLE_MAX = 2000;
const LABEL_MAX = 72;

type Row =
  | { kind: 'arrow'; e: TranscriptEntry; from: number; to: number }
  | { kind: 'note'; e: TranscriptEntry; at: number };

function messageKey(channel: string, from: string, to: string, text: string): string {
  return `${channel}\u0000${from}\u0000${to}\u0000${text}`;
}

/** Renders the entries (already capped by the caller) as one <svg>; `uid` keeps marker ids unique. */
export function renderSequenceSvg(entries: readonly TranscriptEntry[], uid: string): string {
  const lanes: string[] = [];
  const lane = (name: string): number => {
    let i = lanes.indexOf(name);
    if (i < 0) i = lanes.push(name) - 1;
    return i;
  };
  const sent = new Set<string>();
  for (const e of entries) {
    if (e.dir === 'send' && e.peer !== undefined) sent.add(messageKey(e.channel, e.actor, e.peer, e.text));
  }
  const rows: Row[] = [];
  for (const e of entries) {
    const a = lane(e.actor);
    if (e.peer === undefined || e.peer === e.actor || e.dir === 'event') {
      if (e.peer !== undefined) lane(e.peer);
      rows.push({ kind: 'note', e, at: a });
    } else if (e.dir === 'send') {
      rows.push({ kind: 'arrow', e, from: a, to: lane(e.peer) });
    } else if (!sent.has(messageKey(e.channel, e.peer, e.actor, e.text))) {
      rows.push({ kind: 'arrow', e, from: lane(e.peer), to: a });
    }
  }
  if (lanes.length === 0) return '';

  const x = (i: number): number => GUTTER + COL * i + COL / 2;
  // room on the right, so labels that start at the last lane can still say something
  const width = GUTTER + COL * lanes.length + 160;
  const height = HEAD + ROW * rows.length + 16;
  const marker = `ah-${uid}`;
  const out: string[] = [];
  out.push(
    `<svg class="seq" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
      `viewBox="0 0 ${width} ${height}" role="img" aria-label="sequence diagram">`,
    `<defs><marker id="${marker}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" ` +
      `orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#444"/></marker></defs>`,
  );
  lanes.forEach((name, i) => {
    const cx = x(i);
    out.push(
      `<g><title>${escapeText(name)}</title>` +
        `<rect x="${cx - COL / 2 + 8}" y="6" width="${COL - 16}" height="24" rx="4" fill="#eef2f7" stroke="#6b7a90"/>` +
        `<text x="${cx}" y="22" text-anchor="middle" class="lane">${escapeText(truncate(name, 26))}</text></g>`,
      `<line x1="${cx}" y1="30" x2="${cx}" y2="${height - 4}" stroke="#9aa6b6" stroke-dasharray="4 3"/>`,
    );
  });
  rows.forEach((r, i) => {
    const y = HEAD + ROW * i + ROW / 2;
    const full = `[${r.e.channel}${r.e.conn !== undefined ? ` ${r.e.conn}` : ''}] ${r.e.text}`;
    const title = `<title>${escapeText(`t=${String(r.e.t)} ms ${r.e.actor} ${r.e.dir} ${truncate(full, TITLE_MAX)}`)}</title>`;
    out.push(`<text x="4" y="${y + 4}" class="t">${escapeText(String(r.e.t))}</text>`);
    if (r.kind === 'arrow') {
      const x1 = x(r.from);
      const x2 = x(r.to);
      // the label starts at the arrow's left end and may run over further lifelines: a short label
      // that fits between two lanes would hide most IMAP lines
      const lx = Math.min(x1, x2) + 6;
      const chars = Math.max(16, Math.min(LABEL_MAX, Math.floor((width - lx - 4) / CHAR)));
      const dashed = r.e.dir === 'recv' ? ' stroke-dasharray="5 3"' : '';
      out.push(
        `<g class="ch-${escapeAttr(r.e.channel)}">${title}` +
          `<line x1="${x1}" y1="${y + 4}" x2="${x2}" y2="${y + 4}" stroke="#444"${dashed} marker-end="url(#${marker})"/>` +
          `<text x="${lx}" y="${y}" class="lbl">${escapeText(truncate(full, chars))}</text></g>`,
      );
    } else {
      // a note starts on its lane's left half and is as wide as its (capped) text
      const nx = x(r.at) - COL / 2 + 6;
      const label = truncate(full, Math.max(16, Math.min(LABEL_MAX, Math.floor((width - nx - 12) / CHAR))));
      out.push(
        `<g class="note ch-${escapeAttr(r.e.channel)}">${title}` +
          `<rect x="${nx}" y="${y - 9}" width="${Math.ceil(visible(label).length * CHAR) + 8}" height="18" rx="2"/>` +
          `<text x="${nx + 4}" y="${y + 4}">${escapeText(label)}</text></g>`,
      );
    }
  });
  out.push('</svg>');
  return out.join('\n');
}
