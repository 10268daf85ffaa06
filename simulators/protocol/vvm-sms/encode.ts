/**
 * The EVVM Server's side of the VVM texts: SYNC and STATUS (mobile-terminated). A value that would
 * change the structure (';', '=', a control character) is refused, never sent: the server must not be
 * the one that injects a field into its own notification.
 */
import { PRINTABLE, SECRET_FIELDS, type ProvisioningState, type SyncEvent } from './fields';

export interface SyncFields {
  prefix: string;
  ev: SyncEvent;
  c: number;
  id?: string | number;
  t?: string;
  s?: string;
  dt?: string;
  l?: number;
}

export interface StatusFields {
  prefix: string;
  st: ProvisioningState;
  rc: number;
  srv?: string;
  tui?: string;
  dn?: string;
  ipt?: number;
  spt?: number;
  u?: string;
  pw?: string;
  lang?: string;
  pw_len?: string;
  smtp_u?: string;
  smtp_pw?: string;
}

export class VvmEncodingError extends Error {
  override readonly name = 'VvmEncodingError';
}

function field(key: string, value: string | number | undefined): string | undefined {
  if (value === undefined) return undefined;
  const v = String(value);
  if (!PRINTABLE.test(v) || v.includes(';') || v.includes('=')) throw new VvmEncodingError(`the value of ${key} would inject a field separator or a control character`);
  return `${key}=${v}`;
}

function join(prefix: string, event: string, entries: Array<[string, string | number | undefined]>): string {
  return `${prefix}:${event}:${entries.map(([k, v]) => field(k, v)).filter((x): x is string => x !== undefined).join(';')}`;
}

export function encodeSync(n: SyncFields): string {
  return join(n.prefix, 'SYNC', [['ev', n.ev], ['id', n.id], ['c', n.c], ['t', n.t], ['s', n.s], ['dt', n.dt], ['l', n.l]]);
}

export function encodeStatus(n: StatusFields): string {
  return join(n.prefix, 'STATUS', [
    ['st', n.st], ['rc', n.rc], ['srv', n.srv], ['tui', n.tui], ['dn', n.dn], ['ipt', n.ipt], ['spt', n.spt],
    ['u', n.u], ['pw', n.pw], ['lang', n.lang], ['pw_len', n.pw_len], ['smtp_u', n.smtp_u], ['smtp_pw', n.smtp_pw],
  ]);
}

/** dd/MM/yyyy HH:mm Z, in UTC. */
export function vvmDate(d: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${p(d.getUTCMonth() + 1)}/${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())} +0000`;
}

const SECRET_VALUE = new RegExp(`(^|[;:])(\\s*(?:${SECRET_FIELDS.join('|')})=)[^;]*`, 'g');

/** The text with pw and smtp_pw values replaced by «redacted»: what transcripts and observations show. */
export function redactVvmSecrets(text: string): string {
  return text.replace(SECRET_VALUE, '$1$2«redacted»');
}
