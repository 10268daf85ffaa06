/** A Message Storage Server on 127.0.0.1:0 with the project's test PKI, two users, and a transcript. */
import { Transcript } from '../../evidence/transcript';
import { sharedTestPki } from '../../simulators/crypto/pki';
import type { TestPki } from '../../simulators/crypto/pki/types';
import { MessageStorageServer, type MessageStorageServerOptions } from '../../simulators/message-storage';
import { CpmClient, type CpmClientOptions } from '../../harness/equipment/cpm-client';

export const ALICE = { username: 'alice@op.example', password: 'alice-Store-1', tuiPin: '48213377', sip: { uri: 'sip:alice@op.example', password: 'alice-Sip-1' } };
export const BOB = { username: 'bob@op.example', password: 'bob-Store-2' };
export const PSK = { identity: 'evvm-server.op.example', key: Buffer.alloc(32, 0x4b) };
export const SERVERNAME = 'message-storage.op.example';

export interface Mss {
  server: MessageStorageServer;
  transcript: Transcript;
  pki: TestPki;
  imaps: number;
  imap: number;
  /** a CPM client for this server: certificate TLS with alice's device certificate unless told otherwise */
  client(o?: Partial<CpmClientOptions> & { port?: number }): Promise<CpmClient>;
}

export async function startMss(o: { policy?: Partial<MessageStorageServerOptions['policy']>; faults?: string[] } = {}): Promise<Mss> {
  const pki = await sharedTestPki();
  const transcript = new Transcript();
  const leaf = pki.leaf('message-storage');
  const server = new MessageStorageServer({
    listen: { implicitTls: true, starttls: true },
    tls: { key: leaf.keyPem, cert: leaf.chainPem, ca: pki.trustAnchorPem, crl: [...pki.crls], psk: { [PSK.identity]: PSK.key } },
    policy: { requireTls: true, clientCertificate: 'required', saslMechanisms: ['PLAIN', 'LOGIN', 'CRAM-MD5', 'SCRAM-SHA-256', 'EXTERNAL'], loginCommand: true, ...o.policy },
    subscribers: [
      { ...ALICE, clientCertificates: [pki.leaf('evvm-client').fingerprint256] },
      { ...BOB },
    ],
    faults: o.faults ?? [],
    transcript,
  });
  const ports = await server.start();
  const device = pki.leaf('evvm-client');
  return {
    server,
    transcript,
    pki,
    imaps: ports.imaps!,
    imap: ports.imap!,
    client: (c = {}) =>
      CpmClient.open({
        endpoint: { host: '127.0.0.1', port: c.port ?? (c.transport === 'starttls' ? ports.imap! : ports.imaps!), servername: SERVERNAME },
        transport: c.transport ?? 'implicit-tls',
        trustAnchorPem: pki.trustAnchorPem,
        ...('certificate' in c ? (c.certificate ? { certificate: c.certificate } : {}) : { certificate: { chainPem: device.chainPem, keyPem: device.keyPem } }),
        ...(c.psk ? { psk: c.psk } : {}),
        transcript,
        // a hang guard: the server answers in milliseconds, but a loaded CI runner (the Dovecot matrix beside
        // these tests) once took longer than 3 s for a handshake and LOGIN
        timeoutMs: c.timeoutMs ?? 15_000,
      }),
  };
}
