/** Logs in over implicit TLS with a raw client; returns the client and the tagged answer. */
import type tls from 'node:tls';
import { RawImap } from './raw-client';
import type { TestCert, TestPkiFiles } from './pki';

export async function tlsClient(pki: TestPkiFiles, port: number, cert?: TestCert, extra: tls.ConnectionOptions = {}): Promise<{ c: RawImap; greeting: string }> {
  const c = await RawImap.tls(port, {
    ca: pki.caPem,
    servername: 'evvm-server.op.example',
    ...(cert ? { cert: cert.certPem, key: cert.keyPem } : {}),
    ...extra,
  });
  const greeting = await c.line();
  return { c, greeting };
}

/** `tag LOGIN user password` with both as quoted strings; returns the tagged line. */
export async function login(c: RawImap, tag: string, user: string, password: string): Promise<string> {
  const q = (s: string): string => `"${s.replace(/[\\"]/g, (x) => `\\${x}`)}"`;
  const out = await c.command(tag, `LOGIN ${q(user)} ${q(password)}`);
  return out.split('\r\n').find((l) => l.startsWith(`${tag} `)) ?? out;
}

export function taggedLine(out: string, tag: string): string {
  return out.split('\r\n').find((l) => l.startsWith(`${tag} `)) ?? out;
}
