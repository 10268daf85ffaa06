/**
 * The EVVM Client's parser of mobile-terminated VVM notifications (EVVM-SMS-C04): `<prefix>:<EVENT>:
 * key=value;…`. Strict by design: the exact prefix, SYNC or STATUS, printable ASCII, one '=' per field,
 * no empty field, no duplicate key, the mandatory fields of the event, the spec's lengths and numeric
 * ports. Anything else is rejected whole, with the reason, so a notification never changes state
 * half-parsed. Unknown well-formed keys are ignored (operators add fields such as txt).
 *
 * parseNotificationLax is the fault `evvm-client:lax-sms-parser`: what real parsers do (prefix and
 * event by prefix match, last duplicate wins, parseInt on ports, no limits).
 */
import {
  DEPOSIT_TIME, DIGITS, KEY, LIMITS, MESSAGE_TYPES, NOT_FOR_UNKNOWN_OR_BLOCKED, PHONE, PRINTABLE, PROVISIONING_STATES, PW_LEN, SERVER, SYNC_EVENTS,
  type ProvisioningState, type SyncEvent,
} from './fields';

export interface SyncNotification {
  event: 'SYNC';
  ev: SyncEvent;
  /** c: new messages in the inbox, as the notification claims it */
  count: number;
  /** id: the UID of the new message (NM) */
  uid?: string;
  /** t */
  type?: string;
  /** s: the caller; empty when CLI is restricted */
  sender?: string;
  dt?: string;
  /** l: seconds */
  length?: number;
  fields: Record<string, string>;
}

export interface StatusNotification {
  event: 'STATUS';
  st: ProvisioningState;
  rc: number;
  /** srv without v1.2's type prefix */
  server?: string;
  imapPort?: number;
  smtpPort?: number;
  username?: string;
  /** a secret */
  password?: string;
  fields: Record<string, string>;
}

export type VvmNotification = SyncNotification | StatusNotification;
export type ParseOutcome = { ok: true; notification: VvmNotification } | { ok: false; reason: string };

export interface ParseOptions {
  /** the operator's client prefix, e.g. //VVM */
  prefix: string;
}

const fail = (reason: string): ParseOutcome => ({ ok: false, reason });

/** Splits `<prefix>:<EVENT>:<body>` without judging it (evidence, and the lax parser). */
export function splitNotification(text: string): { prefix: string; event: string; pairs: Array<[string, string]> } | undefined {
  const a = text.indexOf(':');
  if (a < 0) return undefined;
  const b = text.indexOf(':', a + 1);
  if (b < 0) return undefined;
  const body = text.slice(b + 1);
  const pairs: Array<[string, string]> = body === '' ? [] : body.split(';').map((seg) => {
    const eq = seg.indexOf('=');
    return eq < 0 ? [seg, ''] : [seg.slice(0, eq), seg.slice(eq + 1)];
  });
  return { prefix: text.slice(0, a), event: text.slice(a + 1, b), pairs };
}

/** The keys of a notification as sent (duplicates included): what a check of C05 looks at. */
export function notificationKeys(text: string): string[] {
  return splitNotification(text)?.pairs.map(([k]) => k.trim()) ?? [];
}

export function parseNotification(text: string, options: ParseOptions): ParseOutcome {
  if (text.length > LIMITS.text) return fail(`longer than ${LIMITS.text} characters`);
  if (!PRINTABLE.test(text)) return fail('contains characters other than printable ASCII');
  const head = `${options.prefix}:`;
  if (!text.startsWith(head)) return fail(`does not start with the client prefix ${options.prefix}:`);
  const rest = text.slice(head.length);
  const colon = rest.indexOf(':');
  if (colon < 0) return fail('no event');
  const event = rest.slice(0, colon);
  if (event !== 'SYNC' && event !== 'STATUS') return fail(`unknown event "${event}"`);
  const body = rest.slice(colon + 1);
  if (body === '') return fail('no fields');
  const fields: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const seg of body.split(';')) {
    if (seg === '') return fail('an empty field (";;" or a trailing ";")');
    const eq = seg.indexOf('=');
    if (eq < 0) return fail(`field "${seg}" has no "="`);
    const key = seg.slice(0, eq);
    const value = seg.slice(eq + 1);
    if (!KEY.test(key)) return fail(`invalid key "${key}"`);
    if (value.includes('=')) return fail(`the value of ${key} contains "=" (an injected field?)`);
    if (key in fields) return fail(`duplicate key ${key}`);
    fields[key] = value;
  }
  return event === 'SYNC' ? parseSync(fields) : parseStatus(fields);
}

function parseSync(f: Record<string, string>): ParseOutcome {
  const ev = f.ev;
  if (ev === undefined) return fail('SYNC without ev');
  if (!(SYNC_EVENTS as readonly string[]).includes(ev)) return fail(`unknown SYNC event ev=${ev}`);
  if (f.c === undefined) return fail('SYNC without c');
  if (!DIGITS(LIMITS.cDigits).test(f.c)) return fail(`c is not a number of at most ${LIMITS.cDigits} digits`);
  const n: SyncNotification = { event: 'SYNC', ev: ev as SyncEvent, count: Number(f.c), fields: { ...f } };
  if (ev === 'NM') {
    if (f.id === undefined) return fail('SYNC NM without id');
    if (!DIGITS(LIMITS.idDigits).test(f.id)) return fail(`id is not a UID of at most ${LIMITS.idDigits} digits`);
    if (f.t === undefined) return fail('SYNC NM without t');
    if (!(MESSAGE_TYPES as readonly string[]).includes(f.t)) return fail(`unknown message type t=${f.t}`);
    n.uid = f.id;
    n.type = f.t;
  }
  if (f.s !== undefined) {
    if (f.s !== '' && !PHONE.test(f.s)) return fail('s is not a phone number');
    n.sender = f.s;
  }
  if (f.dt !== undefined) {
    if (!DEPOSIT_TIME.test(f.dt)) return fail('dt is not "dd/MM/yyyy HH:mm Z"');
    n.dt = f.dt;
  }
  if (f.l !== undefined) {
    if (!DIGITS(5).test(f.l)) return fail('l is not a number of seconds');
    n.length = Number(f.l);
  }
  const long = Object.entries(f).find(([, v]) => v.length > LIMITS.other);
  if (long) return fail(`${long[0]} is longer than ${LIMITS.other} characters`);
  return { ok: true, notification: n };
}

function port(value: string, key: string): number | string {
  if (!DIGITS(5).test(value)) return `${key} is not numeric`;
  const n = Number(value);
  if (n < 1 || n > 65535) return `${key} ${n} is not a TCP port`;
  return n;
}

function parseStatus(f: Record<string, string>): ParseOutcome {
  const st = f.st;
  if (st === undefined) return fail('STATUS without st');
  if (!(PROVISIONING_STATES as readonly string[]).includes(st)) return fail(`unknown provisioning status st=${st}`);
  if (f.rc === undefined) return fail('STATUS without rc');
  if (!DIGITS(3).test(f.rc)) return fail('rc is not numeric');
  const n: StatusNotification = { event: 'STATUS', st: st as ProvisioningState, rc: Number(f.rc), fields: { ...f } };
  if (st === 'U' || st === 'B') {
    const present = NOT_FOR_UNKNOWN_OR_BLOCKED.filter((k) => k in f);
    if (present.length) return fail(`st=${st} with ${present.join(', ')} (never returned for U and B)`);
  }
  if (st === 'N' || st === 'R') {
    for (const k of ['srv', 'ipt', 'u', 'pw']) if (f[k] === undefined) return fail(`STATUS st=${st} without ${k}`);
  }
  if (f.srv !== undefined) {
    const m = SERVER.exec(f.srv);
    if (!m) return fail('srv is not a host name or IPv4 address');
    n.server = m[1]!;
  }
  for (const [k, prop] of [['ipt', 'imapPort'], ['spt', 'smtpPort']] as const) {
    // spt=0: no SMTP deposit interface (as in AOSP's parser test); an IMAP port is always needed
    if (f[k] === undefined || (k === 'spt' && f[k] === '0')) continue;
    const p = port(f[k], k);
    if (typeof p === 'string') return fail(p);
    n[prop] = p;
  }
  if (f.u !== undefined) {
    if (f.u.length === 0 || f.u.length > LIMITS.u) return fail(`u is empty or longer than ${LIMITS.u} characters`);
    n.username = f.u;
  }
  if (f.pw !== undefined) {
    if (f.pw.length === 0 || f.pw.length > LIMITS.pw) return fail(`pw is empty or longer than ${LIMITS.pw} characters`);
    n.password = f.pw;
  }
  if (f.lang !== undefined && f.lang.length > LIMITS.lang) return fail(`lang is longer than ${LIMITS.lang} characters`);
  if (f.pw_len !== undefined && !PW_LEN.test(f.pw_len)) return fail('pw_len is not "<min>-<max>"');
  for (const k of ['dn', 'tui']) if (f[k] !== undefined && !PHONE.test(f[k])) return fail(`${k} is not a phone number`);
  const long = Object.entries(f).find(([, v]) => v.length > LIMITS.other);
  if (long) return fail(`${long[0]} is longer than ${LIMITS.other} characters`);
  return { ok: true, notification: n };
}

/**
 * FAULT evvm-client:lax-sms-parser (EVVM-SMS-C04): the laxity of real parsers. Any "//…VM" prefix, any
 * event starting with SYNC or STATUS, the first '=' splits, the last duplicate wins, parseInt on
 * numbers, no lengths, no mandatory fields.
 */
export function parseNotificationLax(text: string): ParseOutcome {
  const parts = splitNotification(text);
  if (!parts || !/^\/\/[A-Z]*VM$/i.test(parts.prefix)) return fail('not a VVM notification');
  const f: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [k, v] of parts.pairs) f[k.trim()] = v;
  const int = (v: string | undefined): number => (v === undefined ? 0 : parseInt(v, 10) || 0);
  if (/^SYNC/i.test(parts.event)) {
    const n: SyncNotification = { event: 'SYNC', ev: (f.ev ?? 'NM') as SyncEvent, count: int(f.c), fields: { ...f } };
    if (f.id !== undefined) n.uid = f.id;
    if (f.t !== undefined) n.type = f.t;
    return { ok: true, notification: n };
  }
  if (/^STATUS/i.test(parts.event)) {
    const n: StatusNotification = { event: 'STATUS', st: (f.st ?? 'R').replace(/"/g, '') as ProvisioningState, rc: int(f.rc), fields: { ...f } };
    if (f.srv !== undefined) n.server = f.srv.replace(/^[0-9]:/, '');
    if (f.ipt !== undefined) n.imapPort = int(f.ipt);
    if (f.u !== undefined) n.username = f.u;
    if (f.pw !== undefined) n.password = f.pw;
    return { ok: true, notification: n };
  }
  return fail(`unknown event "${parts.event}"`);
}
