/**
 * How the raw client's traffic appears in the transcript: exact for ordinary lines, summarised for big
 * or binary literals and endless lines (the transcript is evidence, not a capture), and redacted at the
 * source for credentials.
 */
import { createHash } from 'node:crypto';
import type * as tls from 'node:tls';
import type { TranscriptSink } from '../../../../evidence/transcript';
import type { PeerCertificateInfo, ResponseUnit, TlsInfo } from './types';

export const MAX_TRANSCRIPT_LINE = 4096;

export function saslShown(length: number): string {
  return `«SASL response, ${length} bytes»`;
}

function textual(buf: Buffer): boolean {
  for (const b of buf) if ((b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) || b === 0x7f) return false;
  return true;
}

export function literalShown(buf: Buffer, inlineLimit: number): string {
  if (buf.length <= inlineLimit && textual(buf)) return buf.toString('utf8');
  const digest = createHash('sha256').update(buf).digest('hex').slice(0, 16);
  return `«literal, ${buf.length} bytes, sha256 ${digest}…»`;
}

export function lineShown(line: string): string {
  if (line.length <= MAX_TRANSCRIPT_LINE) return line;
  return `${line.slice(0, 512)}«… ${line.length - 512} more characters»`;
}

export function unitShown(unit: ResponseUnit, inlineLimit: number): string {
  let out = lineShown(unit.segments[0] ?? '');
  for (let i = 0; i < unit.literals.length; i++) {
    out += `\r\n${literalShown(unit.literals[i]!, inlineLimit)}${lineShown(unit.segments[i + 1] ?? '')}`;
  }
  return out;
}

/** Bytes written by sendRaw(): shown as text when printable, as a hex summary otherwise. */
export function rawShown(bytes: Buffer, inlineLimit: number): string {
  const text = bytes.toString('utf8');
  if (textual(bytes) && bytes.length <= Math.max(inlineLimit, MAX_TRANSCRIPT_LINE)) return text.replace(/\r\n$/, '');
  const head = bytes.subarray(0, 64).toString('hex');
  return `«raw, ${bytes.length} bytes: ${head}${bytes.length > 64 ? '…' : ''}»`;
}

/** Gives a password to the transcript's scrubber too, when the sink is a Transcript (defence in depth). */
export function registerSecret(sink: TranscriptSink, value: string | undefined): void {
  const maybe = sink as TranscriptSink & { secret?: (v: string) => void };
  if (value && typeof maybe.secret === 'function') maybe.secret(value);
}

function dn(name: Record<string, string | string[]> | undefined): string {
  if (!name) return '';
  return Object.entries(name)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : v}`)
    .join(', ');
}

export function describeTls(socket: tls.TLSSocket): TlsInfo {
  const cert = socket.getPeerCertificate();
  const hasCert = cert && Object.keys(cert).length > 0;
  const peerCertificate: PeerCertificateInfo | undefined = hasCert
    ? {
        subject: dn(cert.subject as unknown as Record<string, string | string[]>),
        issuer: dn(cert.issuer as unknown as Record<string, string | string[]>),
        fingerprint256: cert.fingerprint256,
        serialNumber: cert.serialNumber,
        validFrom: cert.valid_from,
        validTo: cert.valid_to,
        ...(cert.subjectaltname ? { subjectaltname: cert.subjectaltname } : {}),
      }
    : undefined;
  const authorizationError = socket.authorizationError ? String(socket.authorizationError) : undefined;
  return {
    protocol: socket.getProtocol(),
    cipher: socket.getCipher()?.standardName,
    authorized: socket.authorized,
    ...(authorizationError ? { authorizationError } : {}),
    ...(peerCertificate ? { peerCertificate } : {}),
    sessionReused: socket.isSessionReused(),
  };
}

export function tlsShown(info: TlsInfo, phase: string): string {
  const cert = info.peerCertificate
    ? `server certificate "${info.peerCertificate.subject}" issued by "${info.peerCertificate.issuer}", sha256 ${info.peerCertificate.fingerprint256}`
    : 'no server certificate (PSK)';
  const verdict = info.authorized ? 'authorized' : `NOT authorized (${info.authorizationError ?? 'no verification'})`;
  return `TLS handshake (${phase}) ok: ${info.protocol ?? '?'} ${info.cipher ?? '?'}; ${cert}; ${verdict}${info.sessionReused ? '; session resumed' : ''}`;
}
