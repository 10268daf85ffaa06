/** Shared fixtures: two mailboxes with three identifiers each, a voicemail, and an EVVM Server factory. */
import { Transcript } from '../../../evidence/transcript';
import { EvvmServer, type EvvmServerOptions } from '../../../simulators/evvm-server';
import type { TestPkiFiles } from './pki';

export const ALICE = { msisdn: 'tel:+15550001', sip: 'sip:alice@op.example', mail: 'alice@op.example', password: 'alice-Secret-1' };
export const BOB = { msisdn: 'tel:+15550002', sip: 'sip:bob@op.example', mail: 'bob@op.example', password: 'bob-Secret-2' };
export const CAROL = { msisdn: 'tel:+15550003', password: 'carol-Secret-3' };

export function voicemail(subject = 'Voice Message from +15559999'): Buffer {
  const boundary = 'vm-boundary-1';
  return Buffer.from(
    [
      'From: +15559999 <tel:+15559999@op.example>',
      'To: Alice <alice@op.example>',
      `Subject: ${subject}`,
      'Date: Tue, 03 Mar 2026 10:00:00 +0000',
      'Message-ID: <vm-1@op.example>',
      'Message-Context: voice-message',
      'MIME-Version: 1.0',
      `Content-Type: multipart/voice-message; boundary="${boundary}"`,
      '',
      `--${boundary}`,
      'Content-Type: text/plain; charset=us-ascii',
      '',
      'You have a new voice message.',
      `--${boundary}`,
      'Content-Type: audio/amr',
      'Content-Transfer-Encoding: base64',
      'Content-Disposition: attachment; filename="vm.amr"',
      '',
      Buffer.from('#!AMR\n' + 'x'.repeat(300)).toString('base64'),
      `--${boundary}--`,
      '',
    ].join('\r\n'),
  );
}

export interface ServerOverrides {
  policy?: Partial<EvvmServerOptions['policy']>;
  faults?: string[];
  psk?: Record<string, Buffer>;
  listen?: EvvmServerOptions['listen'];
}

export async function startServer(
  pki: TestPkiFiles,
  o: ServerOverrides = {},
): Promise<{ server: EvvmServer; transcript: Transcript; imaps: number; imap: number }> {
  const transcript = new Transcript();
  const server = new EvvmServer({
    listen: o.listen ?? { implicitTls: true, starttls: true },
    tls: { key: pki.server.keyPem, cert: pki.server.certPem, ca: pki.caPem, crl: pki.crlPem, ...(o.psk ? { psk: o.psk } : {}) },
    policy: {
      requireTls: true,
      clientCertificate: 'optional',
      saslMechanisms: ['PLAIN', 'LOGIN', 'CRAM-MD5', 'SCRAM-SHA-256', 'EXTERNAL'],
      loginCommand: true,
      ...o.policy,
    },
    mailboxes: [
      {
        identifiers: [ALICE.msisdn, ALICE.sip, ALICE.mail],
        password: ALICE.password,
        state: 'active',
        clientCertificates: ['tel:+15550001'],
        voicemails: [{ raw: voicemail() }],
      },
      { identifiers: [BOB.msisdn, BOB.sip, BOB.mail], password: BOB.password, state: 'active', voicemails: [{ raw: voicemail('for bob') }] },
      { identifiers: [CAROL.msisdn], password: CAROL.password, state: 'blocked' },
    ],
    faults: o.faults ?? [],
    transcript,
  });
  const ports = await server.start();
  return { server, transcript, imaps: ports.imaps ?? 0, imap: ports.imap ?? 0 };
}

export const b64 = (s: string | Buffer): string => Buffer.from(s).toString('base64');
