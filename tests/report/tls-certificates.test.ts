/**
 * The certificates of every TLS handshake, as structured transcript evidence (evidence/tls.ts) and in the
 * report: both directions of a mutual-TLS handshake between the harness's IMAP client and the EVVM Server,
 * and the certificate a server presented to a client that refused it (EVVM-AUTH-03's rogue server). Real
 * sockets; no private key in anything recorded.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { TranscriptEntry } from '../../evidence/transcript';
import { RawImapClient } from '../../simulators/protocol/imap/client/raw-client';
import { EvvmClient } from '../../simulators/evvm-client/evvm-client';
import { renderHtml } from '../../harness/report/html';
import { startServer } from '../imap-server/helpers/fixtures';
import { testPki, type TestPkiFiles } from '../imap-server/helpers/pki';
import { buildReport } from './fixture';

describe('TLS handshakes in the transcript', () => {
  let pki: TestPkiFiles;
  let started: Awaited<ReturnType<typeof startServer>>;
  before(async () => {
    pki = await testPki();
    started = await startServer(pki);
  });
  after(async () => {
    await started.server.stop();
  });

  const tlsEntries = (): TranscriptEntry[] => started.transcript.entries().filter((e) => e.channel === 'tls' && e.tls);

  it('records the certificates both ends presented, with subject, SAN, issuer, validity and SHA-256', async () => {
    const before = tlsEntries().length;
    const c = await RawImapClient.connect({
      host: '127.0.0.1',
      port: started.imaps,
      tls: 'implicit',
      tlsOptions: { ca: pki.caPem, servername: 'evvm-server.op.example', cert: pki.alice.certPem, key: pki.alice.keyPem },
      actor: 'EVVM Client',
      peer: 'EVVM Server',
      transcript: started.transcript,
    });
    c.close();
    const [server, client] = ['server', 'client'].map((side) => tlsEntries().slice(before).find((e) => e.tls!.side === side)!);
    assert.ok(server && client, 'both ends recorded the handshake');
    assert.equal(client!.tls!.peerCertificate?.sha256, pki.server.fingerprint256, 'the client saw the server certificate');
    assert.equal(client!.tls!.ownCertificate?.sha256, pki.alice.fingerprint256, 'and says which certificate it presented');
    assert.equal(server!.tls!.peerCertificate?.sha256, pki.alice.fingerprint256, 'the server saw the client certificate');
    assert.equal(server!.tls!.ownCertificate?.sha256, pki.server.fingerprint256);
    const seen = client!.tls!.peerCertificate!;
    assert.match(seen.subject, /CN=evvm-server\.op\.example/);
    assert.match(seen.issuer, /CN=EVVM Test Root/);
    assert.match(seen.san ?? '', /DNS:evvm-server\.op\.example/);
    assert.ok(seen.validFrom && seen.validTo);
    assert.equal(client!.tls!.authorized, true);
    assert.match(client!.tls!.protocol ?? '', /^TLSv1\.[23]$/);
    // the key exchange group as the client saw it, by its name: Node 22 names none for a hybrid post-quantum
    // group, Node 24 names it (X25519MLKEM768)
    assert.ok(client!.tls!.group === undefined || /^(X25519|P-256|P-384|X448|P-521|prime256v1|secp384r1|X25519MLKEM768|SecP256r1MLKEM768|SecP384r1MLKEM1024)$/.test(client!.tls!.group), client!.tls!.group);
  });

  it('records the certificate a server presented to a client that refused it', async () => {
    const before = tlsEntries().length;
    // the client trusts another root: to it this is a rogue server (EVVM-AUTH-03)
    await assert.rejects(
      RawImapClient.connect({ host: '127.0.0.1', port: started.imaps, tls: 'implicit', tlsOptions: { ca: pki.untrustedCaPem, servername: 'evvm-server.op.example' }, actor: 'EVVM Client', peer: 'Rogue IMAP Server', transcript: started.transcript, timeoutMs: 3000 }),
    );
    const refused = tlsEntries().slice(before).find((e) => e.tls!.side === 'client')!;
    assert.ok(refused, 'the refusing client recorded the handshake');
    assert.equal(refused.tls!.peerCertificate?.sha256, pki.server.fingerprint256, 'what the server presented, although the client refused it');
    assert.equal(refused.tls!.authorized, false);
    assert.ok(refused.tls!.error);
  });

  it('records the certificate a rogue server presented to the EVVM Client that refused it (EVVM-AUTH-03)', async () => {
    const before = tlsEntries().length;
    const client = new EvvmClient({ trustAnchorPem: pki.untrustedCaPem, transcript: started.transcript, timeoutMs: 3000 });
    const retrieval = await client.retrieveVoicemail({ host: '127.0.0.1', port: started.imaps, servername: 'evvm-server.op.example', transport: 'implicit-tls' }, { username: 'alice', password: 'not-sent' });
    assert.equal(retrieval.serverAuthenticated, false);
    const refused = tlsEntries().slice(before).find((e) => e.actor === 'EVVM Client')!;
    assert.ok(refused, JSON.stringify(started.transcript.entries().slice(-5)));
    assert.equal(refused.tls!.peerCertificate?.sha256, pki.server.fingerprint256);
    assert.equal(refused.tls!.authorized, false);
    assert.match(refused.text, /^TLS handshake \(implicit\) failed: /);
  });

  it('never records private key material', () => {
    const recorded = JSON.stringify(started.transcript.entries());
    assert.doesNotMatch(recorded, /PRIVATE KEY/);
    for (const key of [pki.server.keyPem, pki.alice.keyPem]) {
      const body = key.split('\n').filter((l) => l && !l.startsWith('-----')).join('');
      assert.ok(!recorded.includes(body.slice(0, 40)), 'no part of a key');
    }
  });

  it('shows both certificates of each handshake in the report', () => {
    const r = buildReport();
    r.requirements[1]!.scenarios[0]!.transcript = [...started.transcript.entries()];
    const page = renderHtml(r);
    const table = page.slice(page.indexOf('<h4>TLS handshakes'));
    assert.match(table, /<i>presented by EVVM Server<\/i><br><b>subject<\/b> CN=evvm-server\.op\.example[^<]*<br><b>SAN<\/b> DNS:evvm-server\.op\.example[^<]*<br><b>issuer<\/b> CN=EVVM Test Root<br><b>validity<\/b> [^<]+ to [^<]+<br><b>SHA-256<\/b> /);
    assert.ok(table.includes(`<b>SHA-256</b> ${pki.alice.fingerprint256}`), 'the client certificate, seen from both ends');
    assert.match(table, /presented by Rogue IMAP Server<\/i><br><b>subject<\/b> CN=evvm-server\.op\.example/);
    assert.match(table, /failed: /);
  });
});
