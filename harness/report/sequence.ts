/**
 * A sequence diagram of one transcript in HTML and CSS: a lifeline per party, an arrow per message, a
 * note per event. Rows are text, so every label is there in full: cut to its row on screen, shown whole
 * when clicked (the page's script); the lifeline names stay on top while the diagram scrolls. Positions
 * come from classes, since the page's Content-Security-Policy allows no style attributes: `o<i>` is the
 * row's first lane, `w<n>` the lanes an arrow spans, `l` an arrow pointing left, `d` a message drawn from
 * its receiver's record.
 *
 * Both ends of a loopback conversation usually record the same line (the sender `send`, the receiver
 * `recv`), so a `recv` is drawn only when no `send` accounts for it: that is the case when the other end
 * is an external IUT, whose messages the harness only sees arriving.
 */
import type { TranscriptEntry } from '../../evidence/transcript';
import { escapeAttr, escapeText } from './escape';

/** A peer known only by its socket address (`127.0.0.1:40123`): a lane is named by a party instead. */
const ADDRESS = /^(?:\d{1,3}(?:\.\d{1,3}){3}|\[[0-9A-Fa-f:.]+\]|localhost):\d+$/;

/** Pixels per lane: twelve lanes fit a 1280-pixel window, two or three leave room for long labels. */
export function laneWidth(lanes: number): number {
  return Math.max(96, Math.min(200, Math.floor(1120 / Math.max(1, lanes))));
}

/** The classes the diagrams of one page use, for up to `maxLanes` lanes. */
export function sequenceCss(maxLanes: number): string {
  const rules: string[] = [];
  for (let n = 1; n <= maxLanes; n++) rules.push(`.sq.L${n}{--N:${n};--W:${laneWidth(n)}px}`);
  for (let i = 0; i < maxLanes; i++) rules.push(`.sq .o${i}{--o:${i}}`);
  for (let i = 1; i < maxLanes; i++) rules.push(`.sq .w${i}{--w:${i}}`);
  return rules.join('');
}

type Row =
  | { kind: 'arrow'; e: TranscriptEntry; from: number; to: number }
  | { kind: 'note'; e: TranscriptEntry; at: number };

/**
 * Names the parties. A peer recorded by address is the one party that names that actor as its own peer
 * (the EVVM Client connects to 127.0.0.1:40123; the rogue server records the EVVM Client as its peer),
 * or else "<actor>'s peer"; the address stays in the lane's tooltip.
 */
export function partyNamer(entries: readonly TranscriptEntry[]): { name: (party: string, by: string) => string; seenAt: Map<string, Set<string>> } {
  const namedBy = new Map<string, Set<string>>();
  for (const e of entries) {
    if (e.peer === undefined || e.peer === e.actor || ADDRESS.test(e.peer) || ADDRESS.test(e.actor)) continue;
    let set = namedBy.get(e.peer);
    if (!set) namedBy.set(e.peer, (set = new Set()));
    set.add(e.actor);
  }
  const seenAt = new Map<string, Set<string>>();
  const name = (party: string, by: string): string => {
    if (!ADDRESS.test(party)) return party;
    const candidates = namedBy.get(by);
    const named = candidates?.size === 1 ? [...candidates][0]! : `${by}'s peer`;
    let at = seenAt.get(named);
    if (!at) seenAt.set(named, (at = new Set()));
    at.add(party);
    return named;
  };
  return { name, seenAt };
}

/** The `recv` entries another party's `send` already accounts for (each send accounts for one receipt). */
function echoedReceipts(entries: readonly TranscriptEntry[]): Set<TranscriptEntry> {
  const sends = new Map<string, TranscriptEntry[]>();
  for (const e of entries) {
    if (e.dir !== 'send' || e.peer === undefined) continue;
    const key = `${e.channel}\u0000${e.text}`;
    const list = sends.get(key);
    if (list) list.push(e);
    else sends.set(key, [e]);
  }
  const echoed = new Set<TranscriptEntry>();
  for (const e of entries) {
    if (e.dir !== 'recv' || e.peer === undefined) continue;
    const list = sends.get(`${e.channel}\u0000${e.text}`);
    // the sender names the receiver, or the receiver the sender: simulators name a peer by its role
    // ("ESME", "IMAP client") where the other side names itself
    const i = list?.findIndex((s) => s.actor === e.peer || s.peer === e.actor) ?? -1;
    if (list && i >= 0) {
      list.splice(i, 1);
      echoed.add(e);
    }
  }
  return echoed;
}

/** `pass`/`fail` for a check entry (the harness writes `PASS …`/`FAIL …`), so its colour follows its result. */
function checkResult(e: TranscriptEntry): string {
  if (e.channel !== 'check') return '';
  const m = /^(PASS|FAIL)\b/.exec(e.text);
  return m ? ` k-${m[1]!.toLowerCase()}` : '';
}

/** Renders the entries (already capped by the caller); '' when there are none. */
export function renderSequence(entries: readonly TranscriptEntry[]): { html: string; lanes: number } {
  const lanes: string[] = [];
  const lane = (name: string): number => {
    let i = lanes.indexOf(name);
    if (i < 0) i = lanes.push(name) - 1;
    return i;
  };
  const { name, seenAt } = partyNamer(entries);
  const echoed = echoedReceipts(entries);
  const rows: Row[] = [];
  for (const e of entries) {
    const a = lane(e.actor);
    const peer = e.peer === undefined ? undefined : name(e.peer, e.actor);
    if (peer === undefined || peer === e.actor || e.dir === 'event') rows.push({ kind: 'note', e, at: a });
    else if (e.dir === 'send') rows.push({ kind: 'arrow', e, from: a, to: lane(peer) });
    else if (!echoed.has(e)) rows.push({ kind: 'arrow', e, from: lane(peer), to: a });
  }
  if (lanes.length === 0) return { html: '', lanes: 0 };

  const head = lanes.map((n, i) => {
    const at = seenAt.get(n);
    const title = at ? `${n}, at ${[...at].join(', ')}` : n;
    return `<span class="o${i}" title="${escapeAttr(title)}">${escapeText(n)}</span>`;
  });
  const body = rows.map((r) => {
    const e = r.e;
    const data =
      ` data-t="${escapeAttr(String(e.t))}"` +
      (e.conn !== undefined ? ` data-c="${escapeAttr(e.conn)}"` : '') +
      (r.kind === 'note' && e.peer !== undefined ? ` data-p="${escapeAttr(e.peer)}"` : '') +
      (e.container !== undefined ? ` data-k="${escapeAttr(e.container)}"` : '');
    const ch = ` c-${e.channel.replace(/[^a-z]/g, '')}`;
    const cls =
      r.kind === 'note'
        ? `n o${r.at}${ch}${checkResult(e)}`
        : `m o${Math.min(r.from, r.to)} w${Math.abs(r.to - r.from)}${r.to < r.from ? ' l' : ''}${e.dir === 'recv' ? ' d' : ''}${ch}`;
    return `<p class="${cls}"${data}><span>${escapeText(e.text)}</span></p>`;
  });
  return {
    html: `<div class="sq L${lanes.length}"><div class="hd">${head.join('')}</div>\n${body.join('\n')}</div>`,
    lanes: lanes.length,
  };
}
