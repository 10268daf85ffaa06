/**
 * Content signatures that must survive interworking (EVVM-IW-C03): S/MIME multipart/signed (RFC 8551)
 * around the voice-message entity. Behind a small interface so the project's own CMS code
 * (simulators/crypto/cms, issue 5) can replace this implementation; this one drives `openssl cms`, an
 * independent implementation, through execFile.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TlsCredential } from './types';

export interface SignatureCheck {
  valid: boolean;
  /** openssl's verdict, one line */
  reason: string;
  /** the signer certificate's subject, when it could be read */
  signer?: string;
}

export interface ContentSigner {
  /** Signs a MIME entity (its header and body); returns the multipart/signed entity, CRLF line ends. */
  sign(entity: Buffer, signer: TlsCredential): Promise<Buffer>;
  /** Verifies a whole message whose top-level entity is multipart/signed, against the anchors (PEM). */
  verify(message: Buffer, trustAnchors: string): Promise<SignatureCheck>;
}

function run(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('openssl', args, { cwd, timeout: 10_000, maxBuffer: 4 * 1024 * 1024 }, (err, stdout, stderr) => {
      // execFile's error carries the exit status as a number in `code` (a string for spawn failures)
      const status = (err as { code?: unknown } | null)?.code;
      const code = err ? (typeof status === 'number' ? status : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

async function inTempDir<T>(work: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'evvm-smime-'));
  try {
    return await work(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

export const opensslSigner: ContentSigner = {
  async sign(entity, signer) {
    return inTempDir(async (dir) => {
      const certs = signer.chainPem.match(PEM_CERT) ?? [];
      if (certs.length === 0) throw new Error('the signer credential has no certificate');
      await writeFile(path.join(dir, 'in.txt'), entity);
      await writeFile(path.join(dir, 'signer.pem'), certs[0]! + '\n');
      await writeFile(path.join(dir, 'key.pem'), signer.keyPem, { mode: 0o600 });
      const extra = certs.slice(1);
      if (extra.length) await writeFile(path.join(dir, 'chain.pem'), extra.join('\n') + '\n');
      // without -binary openssl signs the canonical (CRLF) form, which is what travels over SMTP
      const r = await run(['cms', '-sign', '-in', 'in.txt', '-signer', 'signer.pem', '-inkey', 'key.pem', ...(extra.length ? ['-certfile', 'chain.pem'] : []), '-outform', 'SMIME', '-out', 'out.eml'], dir);
      if (r.code !== 0) throw new Error(`openssl cms -sign failed: ${r.stderr.trim().split('\n')[0]}`);
      const out = await readFile(path.join(dir, 'out.eml'), 'latin1');
      // openssl writes its own header with LF; the message travels with CRLF, the signed part unchanged
      const text = out.replace(/\r?\n/g, '\r\n').replace(/^MIME-Version: 1\.0\r\n/i, '');
      return Buffer.from(text, 'latin1');
    });
  },
  async verify(message, trustAnchors) {
    return inTempDir(async (dir) => {
      await writeFile(path.join(dir, 'msg.eml'), message);
      await writeFile(path.join(dir, 'ca.pem'), trustAnchors);
      // -purpose any: the test PKI's role certificates carry serverAuth/clientAuth, not emailProtection;
      // the chain, dates and the content digest are still checked
      const r = await run(['cms', '-verify', '-inform', 'SMIME', '-in', 'msg.eml', '-CAfile', 'ca.pem', '-purpose', 'any', '-signer', 'signer.pem', '-out', 'content.txt'], dir);
      const lines = r.stderr.trim().split('\n').filter(Boolean);
      let signer: string | undefined;
      if (r.code === 0) {
        const s = await run(['x509', '-in', 'signer.pem', '-noout', '-subject', '-nameopt', 'RFC2253'], dir);
        if (s.code === 0) signer = s.stdout.trim().replace(/^subject=/, '');
      }
      const reason = r.code === 0 ? 'CMS Verification successful' : (lines.find((l) => /error|failure/i.test(l) && !/^CMS Verification failure$/.test(l)) ?? lines[0] ?? `openssl exit ${r.code}`).replace(/^[0-9A-F]+:error:[0-9A-F]+:/, '');
      return { valid: r.code === 0, reason, ...(signer ? { signer } : {}) };
    });
  },
};
