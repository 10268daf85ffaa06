/**
 * Mobile-originated VVM commands (spec.md §c.4): Activate, Deactivate, STATUS, sent by the client to
 * the server's number (dn). Case-sensitive (VVM-07: "The STATUS SMS message is case-sensitive"), so
 * "status" or "Status" is not a command. Note that nothing in them names a subscriber: the only identity
 * of an MO command is the originating address the network sets (EVVM-SMS-C08).
 */
import { DIGITS, LIMITS, PRINTABLE } from './fields';

export type MoCommand =
  | { command: 'Activate'; pv: number; ct: string; pt?: number; prefix?: string }
  | { command: 'Deactivate'; pv: number; ct: string }
  | { command: 'STATUS'; pv?: number; ct?: string; pt?: number; prefix?: string };

export type MoParseOutcome = { ok: true; command: MoCommand } | { ok: false; reason: string };

const fail = (reason: string): MoParseOutcome => ({ ok: false, reason });

export function parseMo(text: string): MoParseOutcome {
  if (text.length > LIMITS.other || !PRINTABLE.test(text)) return fail('not a printable command of at most 160 characters');
  if (text === 'STATUS') return { ok: true, command: { command: 'STATUS' } };
  const colon = text.indexOf(':');
  const name = colon < 0 ? text : text.slice(0, colon);
  if (name !== 'Activate' && name !== 'Deactivate' && name !== 'STATUS') return fail(`unknown command "${name}" (commands are case-sensitive)`);
  if (colon < 0) return fail(`${name} without fields`);
  const f: Record<string, string> = Object.create(null) as Record<string, string>;
  let prefix: string | undefined;
  const segs = text.slice(colon + 1).split(';');
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i]!;
    if (i === segs.length - 1 && seg.startsWith('//') && name !== 'Deactivate') {
      if (!/^\/\/[A-Za-z0-9]{1,10}$/.test(seg)) return fail('invalid client prefix');
      prefix = seg;
      continue;
    }
    const eq = seg.indexOf('=');
    if (eq < 0) return fail(`field "${seg}" has no "="`);
    const k = seg.slice(0, eq);
    const v = seg.slice(eq + 1);
    if (!['pv', 'ct', 'pt'].includes(k)) return fail(`unknown field "${k}"`);
    if (v.includes('=')) return fail(`the value of ${k} contains "="`);
    if (k in f) return fail(`duplicate field ${k}`);
    f[k] = v;
  }
  if (f.pv === undefined || f.ct === undefined) return fail(`${name} without pv and ct`);
  if (!/^[1-9][0-9]$/.test(f.pv)) return fail('pv is not 10-99');
  if (f.ct.length === 0 || f.ct.length > LIMITS.ct) return fail(`ct is empty or longer than ${LIMITS.ct} characters`);
  let pt: number | undefined;
  if (f.pt !== undefined) {
    if (name === 'Deactivate') return fail('Deactivate has no pt');
    if (!DIGITS(5).test(f.pt) || Number(f.pt) > 16999) return fail('pt is not 0-16999');
    pt = Number(f.pt);
  }
  const pv = Number(f.pv);
  if (name === 'Deactivate') return { ok: true, command: { command: 'Deactivate', pv, ct: f.ct } };
  return { ok: true, command: { command: name, pv, ct: f.ct, ...(pt !== undefined ? { pt } : {}), ...(prefix ? { prefix } : {}) } };
}

export function encodeMo(c: MoCommand): string {
  switch (c.command) {
    case 'Activate':
      return `Activate:pv=${c.pv};ct=${c.ct}${c.pt !== undefined ? `;pt=${c.pt}` : ''}${c.prefix ? `;${c.prefix}` : ''}`;
    case 'Deactivate':
      return `Deactivate:pv=${c.pv};ct=${c.ct}`;
    case 'STATUS':
      if (c.pv === undefined || c.ct === undefined) return 'STATUS';
      return `STATUS:pv=${c.pv};ct=${c.ct}${c.pt !== undefined ? `;pt=${c.pt}` : ''}${c.prefix ? `;${c.prefix}` : ''}`;
  }
}
