/** The EVVM Server as IMAP client of the Message Storage Server (EVVM-AUTH-05): mutual authentication, no credential to an impostor. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { findCredentials } from '../../harness/evidence/credentials';
import { Transcript } from '../../evidence/transcript';
import { MessageStorageLink, messageIdOf, type StorageTarget } from '../../simulators/evvm-server/message-storage-client';
import { ImapServer } from '../../simulators/protocol/imap/server/server';
import { SimpleBackend } from '../../simulators/protocol/imap/server/simple-backend';
import { ALICE, SERVERNAME, startMss, type Mss } from './helpers';

const voicemail = (id: string): Buffer => Buffer.from(`From: tel:+15557777\r\nTo: ${ALICE.username}\r\nMessage-ID: <${id}@evvm-server.op.example>\r\nSubject: voice mail\r\n\r\nAMR\r\n`);

let mss: Mss;
let target: StorageTarget;
before(async () => {
  mss = await startMss();
  const cert = mss.pki.leaf('evvm-server-client');
  target = {
    endpoint: { host: '127.0.0.1', port: mss.imaps, servername: SERVERNAME },
    transport: 'implicit-tls',
    trustAnchorPem: mss.pki.trustAnchorPem,
    certificate: { chainPem: cert.chainPem, keyPem: cert.keyPem },
    account: { username: ALICE.username, password: ALICE.password },
  };
});
after(() => mss.server.stop());

describe('MessageStorageLink', () => {
  for (const transport of ['implicit-tls', 'starttls'] as const) {
    it(`stores and reads back a voicemail over ${transport}, mutually authenticated`, async () => {
      const link = new MessageStorageLink({ transcript: mss.transcript });
      const vm = voicemail(`vm-${transport}`);
      const r = await link.store({ ...target, transport, endpoint: { ...target.endpoint, port: transport === 'starttls' ? mss.imap : mss.imaps } }, vm);
      assert.deepEqual([r.serverAuthenticated, r.clientCertificatePresented, r.loggedIn, r.stored, r.confirmed], [true, true, true, true, true], r.error);
      assert.ok(mss.server.messages(ALICE.username).some((m) => messageIdOf(m.raw) === messageIdOf(vm)));
    });
  }

  it('without its client certificate the Message Storage Server refuses it (policy: required)', async () => {
    const r = await new MessageStorageLink({ faults: ['evvm-server:mss-no-client-certificate'] }).store(target, voicemail('no-cert'));
    assert.equal(r.loggedIn, false);
    assert.equal(r.stored, false);
    assert.equal(r.unreachable, false);
  });

  it('an impostor with an untrusted certificate gets no credential; with the fault it gets the password', async () => {
    const transcript = new Transcript();
    const bad = mss.pki.bad('message-storage', 'untrusted-ca');
    const rogue = new ImapServer({ actor: 'Rogue', listen: { implicitTls: true }, tls: { key: bad.keyPem, cert: bad.chainPem }, backend: new SimpleBackend({ accounts: [{ username: ALICE.username, password: 'x' }], acceptAnyPassword: true }), transcript });
    const ports = await rogue.start();
    try {
      const toRogue = { ...target, endpoint: { ...target.endpoint, port: ports.imaps! } };
      const safe = await new MessageStorageLink().store(toRogue, voicemail('rogue-1'));
      assert.equal(safe.serverAuthenticated, false);
      assert.equal(safe.stored, false);
      let bytes = Buffer.concat(rogue.connections().map((c) => c.clientBytes));
      assert.deepEqual(findCredentials(bytes, [ALICE.password]), { commands: [], secretsSeen: 0 });
      const unsafe = await new MessageStorageLink({ faults: ['evvm-server:mss-skip-server-cert-check'] }).store(toRogue, voicemail('rogue-2'));
      assert.equal(unsafe.stored, true);
      bytes = Buffer.concat(rogue.connections().map((c) => c.clientBytes));
      assert.equal(findCredentials(bytes, [ALICE.password]).secretsSeen, 1);
    } finally {
      await rogue.stop();
    }
  });

  it('a STARTTLS port that does not offer STARTTLS gets no credential in the clear', async () => {
    const plain = new ImapServer({ actor: 'Plain', listen: { plain: true }, backend: new SimpleBackend({ accounts: [{ username: ALICE.username, password: ALICE.password }], requireTls: false }) });
    const ports = await plain.start();
    try {
      const r = await new MessageStorageLink().store({ ...target, transport: 'starttls', endpoint: { ...target.endpoint, port: ports.imap! } }, voicemail('plain'));
      assert.match(r.error ?? '', /STARTTLS not offered/);
      assert.equal(findCredentials(Buffer.concat(plain.connections().map((c) => c.clientBytes)), [ALICE.password]).commands.length, 0);
    } finally {
      await plain.stop();
    }
  });

  it('an unreachable Message Storage Server is reported as such (nothing decided)', async () => {
    const r = await new MessageStorageLink().store({ ...target, endpoint: { ...target.endpoint, port: 1 } }, voicemail('down'));
    assert.equal(r.unreachable, true);
    assert.equal(r.connected, false);
  });
});
