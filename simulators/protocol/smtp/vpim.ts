/**
 * VPIM-style voicemail (RFC 3801, VPIM v2: "a restricted MIME profile for use between voice processing
 * server platforms", carried over SMTP as multipart/voice-message). What the interworking simulators
 * exchange; the full RFC 3801 profile (its Security Considerations included) has not been checked, so
 * this is the shape the spec notes name, not a validator of the whole RFC.
 */
import { randomBytes } from 'node:crypto';
import { contentType, field, parseEntity, parts } from './mime';

export interface VpimVoicemail {
  from: string;
  to: string;
  subject?: string;
  messageId: string;
  date?: Date;
  /** the voice message, e.g. 32 kbit/s ADPCM */
  audio: Buffer;
  /** RFC 3801 names audio/32kadpcm as the VPIM v2 voice encoding */
  audioType?: string;
  durationSeconds?: number;
}

/** Base64 at 76 columns (RFC 2045 §6.8). */
export function base64Lines(data: Buffer, width = 76): string {
  const b = data.toString('base64');
  const out: string[] = [];
  for (let i = 0; i < b.length; i += width) out.push(b.slice(i, i + width));
  return out.join('\r\n');
}

/** The multipart/voice-message entity alone (Content-Type header, body): what a signature covers. */
export function vpimEntity(vm: VpimVoicemail): Buffer {
  const boundary = `vpim-${randomBytes(8).toString('hex')}`;
  return Buffer.from(
    [
      `Content-Type: multipart/voice-message; boundary="${boundary}"; version=2.0`,
      '',
      `--${boundary}`,
      `Content-Type: ${vm.audioType ?? 'audio/32kadpcm'}`,
      'Content-Transfer-Encoding: base64',
      'Content-Disposition: inline; voice=Voice-Message',
      `Content-Duration: ${vm.durationSeconds ?? 5}`,
      '',
      base64Lines(vm.audio),
      `--${boundary}--`,
      '',
    ].join('\r\n'),
    'latin1',
  );
}

/** RFC 5322 header fields of a voicemail, to put in front of an entity (plain or signed). */
export function vpimHeaders(vm: VpimVoicemail): string {
  return [
    `From: <${vm.from}>`,
    `To: <${vm.to}>`,
    `Subject: ${vm.subject ?? `voice message from ${vm.from}`}`,
    `Date: ${(vm.date ?? new Date()).toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: ${vm.messageId}`,
    'MIME-Version: 1.0',
    'Message-Context: voice-message',
  ].join('\r\n');
}

/** A whole VPIM message: headers and an entity (the voice-message itself, or its multipart/signed wrap). */
export function vpimMessage(vm: VpimVoicemail, entity: Buffer = vpimEntity(vm)): Buffer {
  return Buffer.concat([Buffer.from(vpimHeaders(vm) + '\r\n', 'latin1'), entity]);
}

export interface VpimSummary {
  ok: boolean;
  /** why not, when not */
  problem?: string;
  messageId?: string;
  from?: string;
  to?: string;
  /** the message is S/MIME signed around the voice-message */
  signed: boolean;
  version?: string;
  audioParts: string[];
}

/** Reads a message as VPIM: multipart/voice-message (possibly inside multipart/signed) with an audio part. */
export function readVpim(raw: Buffer): VpimSummary {
  const top = parseEntity(raw);
  const base = { messageId: field(top, 'message-id'), from: field(top, 'from'), to: field(top, 'to') };
  const summary: VpimSummary = { ok: false, signed: false, audioParts: [] };
  for (const [k, v] of Object.entries(base)) if (v !== undefined) (summary as unknown as Record<string, string>)[k] = v;
  let entity = top;
  let type = contentType(entity);
  if (type.value === 'multipart/signed') {
    summary.signed = true;
    const inner = parts(entity.body, type.params.boundary ?? '')[0];
    if (inner === undefined) return { ...summary, problem: 'multipart/signed without a signed part' };
    entity = parseEntity(inner);
    type = contentType(entity);
  }
  if (type.value !== 'multipart/voice-message') return { ...summary, problem: `Content-Type is ${type.value || 'missing'}, not multipart/voice-message` };
  if (type.params.version !== undefined) summary.version = type.params.version;
  for (const p of parts(entity.body, type.params.boundary ?? '')) {
    const t = contentType(parseEntity(p)).value;
    if (t.startsWith('audio/')) summary.audioParts.push(t);
  }
  if (summary.audioParts.length === 0) return { ...summary, problem: 'no audio part in the voice-message' };
  return { ...summary, ok: true };
}
