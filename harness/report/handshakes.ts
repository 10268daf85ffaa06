/**
 * The TLS handshakes of one transcript, with the certificates each side presented, for the report's
 * "TLS handshakes" table. A handshake recorded with its structured evidence (`entry.tls`, evidence/tls.ts)
 * is shown from it: both certificates, each with subject, SAN, issuer, validity and SHA-256. Older shapes
 * and tools that record one line of text (`client certificate "CN=…" issued by "CN=…" (SHA-256 …) SAN …`,
 * `server certificate "CN=…" issued by "CN=…", sha256 …`, `… is not in the cert's altnames: DNS:…`) have
 * what the line names picked out; the line itself is always shown whole beside it, so nothing is lost.
 */
import type { TranscriptEntry } from '../../evidence/transcript';
import type { CertificateEvidence } from '../../evidence/tls';

/** What a handshake shows of one certificate; a field a text line does not name is absent. */
export interface CertificateShown {
  subject?: string;
  issuer?: string;
  san?: string;
  sha256?: string;
  /** not before / not after */
  validity?: string;
}

export interface Handshake {
  entry: TranscriptEntry;
  /** protocol version and cipher suite (and key exchange group), `TLSv1.3 TLS_AES_256_GCM_SHA384 X25519` */
  protocol?: string;
  /** the certificate the other end presented (the server's to a client, the client's to a server) */
  peer?: CertificateShown;
  /** the certificate the recording end presented, when it recorded it */
  own?: CertificateShown;
  /** why the handshake failed, when it did */
  error?: string;
}

function shown(c: CertificateEvidence | undefined): CertificateShown | undefined {
  return c && { subject: c.subject, ...(c.san ? { san: c.san } : {}), issuer: c.issuer, validity: `${c.validFrom} to ${c.validTo}`, sha256: c.sha256 };
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
    .map((entry) => (entry.tls ? structured(entry) : fromText(entry)));
}

function structured(entry: TranscriptEntry): Handshake {
  const t = entry.tls!;
  const protocol = [t.protocol, t.cipher, t.group].filter((x) => x !== undefined).join(' ');
  const peer = shown(t.peerCertificate);
  const own = shown(t.ownCertificate);
  return { entry, ...(protocol ? { protocol } : {}), ...(peer ? { peer } : {}), ...(own ? { own } : {}), ...(t.error ? { error: t.error } : {}) };
}

function fromText(entry: TranscriptEntry): Handshake {
  const t = entry.text;
  let protocol: string | undefined;
  const cert: CertificateShown = {};
  const fields: [keyof CertificateShown | 'protocol', RegExp][] = [
    ['protocol', /\b((?:TLSv1(?:\.[0-3])?|SSLv3)(?: TLS_[A-Z0-9_]+| [A-Z0-9]+(?:-[A-Z0-9]+)+)?)/],
    ['subject', /certificate "([^"]*)"|certificate \[([^\]]*)\]/],
    ['issuer', /issued by "([^"]*)"/],
    ['san', /\bSAN ([^;]*)|altnames: ([^;]*)/],
    ['sha256', /\b(?:SHA-256|sha256):? ((?:[0-9A-Fa-f]{2}:){31}[0-9A-Fa-f]{2})/],
    ['validity', /\b(valid (?:from|until|to) [^;]*|not (?:before|after) [^;]*)/i],
  ];
  for (const [field, re] of fields) {
    const v = pick(t, re);
    if (v === undefined || v === '') continue;
    if (field === 'protocol') protocol = v;
    else cert[field] = v;
  }
  return { entry, ...(protocol ? { protocol } : {}), ...(Object.keys(cert).length > 0 ? { peer: cert } : {}) };
}
