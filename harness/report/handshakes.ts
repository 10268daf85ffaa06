/**
 * The TLS handshakes of one transcript, with the certificate each side recorded, for the report's
 * "TLS handshakes" table. Simulators record a handshake as one line of text (no structured field), in
 * a few shapes: `client certificate "CN=…" issued by "CN=…" (SHA-256 …) SAN …; authorized`,
 * `server certificate "CN=…" issued by "CN=…", sha256 …`, `accepted peer certificate [CN=…]: …`,
 * `… is not in the cert's altnames: DNS:…`. What a line names is picked out here; the line itself is
 * always shown whole beside it, so a shape this does not know loses nothing.
 */
import type { TranscriptEntry } from '../../evidence/transcript';

export interface Handshake {
  entry: TranscriptEntry;
  /** protocol version and cipher suite, `TLSv1.3 TLS_AES_256_GCM_SHA384` */
  protocol?: string;
  subject?: string;
  issuer?: string;
  san?: string;
  sha256?: string;
  /** not before / not after, when a line carries them */
  validity?: string;
}

const VERSION = /\b(?:TLSv1(?:\.[0-3])?|SSLv3)\b/;

function pick(text: string, re: RegExp): string | undefined {
  const m = re.exec(text);
  return m ? (m.slice(1).find((g) => g !== undefined) ?? '').trim() : undefined;
}

/** Every TLS entry (channel `tls`, or an event of another channel naming a TLS version), in order. */
export function tlsHandshakes(entries: readonly TranscriptEntry[]): Handshake[] {
  return entries
    .filter((e) => e.channel === 'tls' || (e.dir === 'event' && e.channel !== 'check' && VERSION.test(e.text)))
    .map((entry) => {
      const t = entry.text;
      const found: Handshake = { entry };
      const fields: [keyof Omit<Handshake, 'entry'>, RegExp][] = [
        ['protocol', /\b((?:TLSv1(?:\.[0-3])?|SSLv3)(?: TLS_[A-Z0-9_]+| [A-Z0-9]+(?:-[A-Z0-9]+)+)?)/],
        ['subject', /certificate "([^"]*)"|certificate \[([^\]]*)\]/],
        ['issuer', /issued by "([^"]*)"/],
        ['san', /\bSAN ([^;]*)|altnames: ([^;]*)/],
        ['sha256', /\b(?:SHA-256|sha256):? ((?:[0-9A-Fa-f]{2}:){31}[0-9A-Fa-f]{2})/],
        ['validity', /\b(valid (?:from|until|to) [^;]*|not (?:before|after) [^;]*)/i],
      ];
      for (const [field, re] of fields) {
        const v = pick(t, re);
        if (v !== undefined && v !== '') found[field] = v;
      }
      return found;
    });
}
