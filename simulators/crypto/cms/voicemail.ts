/**
 * A voicemail the way VVM and VPIM carry it [I]: RFC 5322 headers with the VVM fields
 * Message-Context and Content-Duration, a multipart/mixed body with an audio part (its own
 * Content-Duration, base64) and, optionally, a text/plain transcription.
 */
import { base64Lines, buildEntity, contentTypeOf, decodedBody, headerValue, multipartBody, parseEntity, partEntities, randomBoundary, type Entity } from './mime';

export interface VoicemailSpec {
  from: string;
  to: string;
  messageId: string;
  subject?: string;
  date?: Date;
  /** seconds */
  duration: number;
  audio: Buffer;
  /** default audio/amr */
  audioType?: string;
  transcription?: string;
}

/** The kinds of content a policy can select for per-part encryption (EVVM-CONT-02). */
export type PartKind = 'audio' | 'transcription';
export const PART_KINDS: readonly PartKind[] = ['audio', 'transcription'];

export function buildVoicemail(spec: VoicemailSpec): Buffer {
  const boundary = randomBoundary('vm');
  const audioPart = buildEntity(
    [
      ['Content-Type', spec.audioType ?? 'audio/amr'],
      ['Content-Transfer-Encoding', 'base64'],
      ['Content-Disposition', 'attachment; filename="voicemail.amr"'],
      ['Content-Duration', String(spec.duration)],
    ],
    base64Lines(spec.audio),
  );
  const parts = [audioPart];
  if (spec.transcription !== undefined) {
    parts.push(
      buildEntity(
        [
          ['Content-Type', 'text/plain; charset=utf-8'],
          ['Content-Transfer-Encoding', '8bit'],
          ['Content-Disposition', 'inline; filename="transcription.txt"'],
          ['Content-Description', 'voicemail transcription'],
        ],
        Buffer.from(spec.transcription + '\r\n', 'utf8'),
      ),
    );
  }
  const head = [
    `From: ${spec.from}`,
    `To: ${spec.to}`,
    `Date: ${(spec.date ?? new Date()).toUTCString().replace('GMT', '+0000')}`,
    `Subject: ${spec.subject ?? 'voice mail'}`,
    `Message-ID: ${spec.messageId}`,
    'Message-Context: voice-message',
    `Content-Duration: ${spec.duration}`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
  ].join('\r\n');
  return Buffer.concat([Buffer.from(head + '\r\n\r\n', 'latin1'), multipartBody(boundary, parts)]);
}

/** What kind of voicemail content an entity is: audio/* is the recording, text/* the transcription. */
export function partKind(e: Entity): PartKind | 'other' {
  const mime = contentTypeOf(e).mime;
  if (mime.startsWith('audio/')) return 'audio';
  if (mime.startsWith('text/')) return 'transcription';
  return 'other';
}

export interface VoicemailContent {
  /** the decoded audio, when there is one audio part */
  audio?: Buffer;
  transcription?: string;
  /** content types of the leaf parts, in order */
  parts: string[];
}

/** Reads the plaintext voicemail entity (or whole message): its audio and transcription. */
export function voicemailContent(raw: Buffer): VoicemailContent {
  const out: VoicemailContent = { parts: [] };
  const walk = (e: Entity, depth: number): void => {
    const ct = contentTypeOf(e);
    if (ct.mime.startsWith('multipart/') && depth < 8) {
      for (const p of partEntities(e)) walk(p.entity, depth + 1);
      return;
    }
    out.parts.push(ct.mime);
    const kind = partKind(e);
    if (kind === 'audio' && out.audio === undefined) out.audio = decodedBody(e);
    else if (kind === 'transcription' && out.transcription === undefined) out.transcription = decodedBody(e).toString('utf8').trim();
  };
  walk(parseEntity(raw), 0);
  return out;
}

export function messageId(raw: Buffer): string | undefined {
  try {
    return headerValue(parseEntity(raw).headers, 'Message-ID');
  } catch {
    return undefined;
  }
}
