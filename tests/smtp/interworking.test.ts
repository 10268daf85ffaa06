/**
 * The EVVM Server's SMTP interfaces around an EvvmServer, against the peer domain's EVVM Server (both
 * the same simulators): relay by domain, mutual TLS both ways, originator domains, no open relay, a
 * broken signature flagged, and faults switched at run time through the EvvmServer.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { sharedTestPki, type TestPki } from '../../simulators/crypto/pki';
import { EvvmServer } from '../../simulators/evvm-server/evvm-server';
import { EvvmInterworking, SIGNATURE_INVALID_FLAG } from '../../simulators/evvm-server/interworking';
import { demoAccounts } from '../../harness/topology/accounts';
import { parseProfile } from '../../harness/profile/profile';
import { evvmServerConfig } from '../../harness/roles/authentication';
import { homeInterworkingConfig, PEER, startPeerEvvmServer } from '../../harness/roles/interworking';
import { opensslSigner } from '../../simulators/protocol/smtp/smime';
import { vpimEntity, vpimMessage } from '../../simulators/protocol/smtp/vpim';
import { reEncode } from '../../simulators/protocol/smtp/re-encode';

let pki: TestPki;
let server: EvvmServer;
let home: EvvmInterworking;
let peer: Awaited<ReturnType<typeof startPeerEvvmServer>>;
const accounts = demoAccounts('iwtest');
const alice = accounts[0]!;
const dave = `${PEER.mailbox}@${PEER.domain}`;
const vm = (from: string, to: string) => ({ from, to, messageId: `<${randomBytes(6).toString('hex')}@test>`, audio: randomBytes(300) });

before(async () => {
  pki = await sharedTestPki();
  const profile = parseProfile('name: test\n');
  server = new EvvmServer(evvmServerConfig({ pki, profile, accounts, faults: [] }));
  await server.start();
  home = new EvvmInterworking(homeInterworkingConfig({ server, pki, profile, accounts }));
  await home.start();
  peer = await startPeerEvvmServer({ pki });
  home.routeDomain(PEER.domain, peer.interworking.endpoint('interServer', 'starttls')!);
  peer.interworking.routeDomain('op.example', home.endpoint('interServer', 'implicit-tls')!);
});
after(async () => {
  await Promise.all([home.stop(), server.stop(), peer.stop()]);
});

describe('EvvmInterworking', () => {
  it('relays a deposit to the peer domain over mutual TLS and the peer stores it', async () => {
    home.setForwarding(alice.identifiers.MSISDN, dave);
    const m = vm('caller@pstn.example', alice.identifiers['e-mail alias']);
    server.deposit(alice.identifiers.MSISDN, { raw: vpimMessage(m) });
    const [o] = await home.waitForOutbound(1);
    assert.equal(o!.link, 'interServer');
    assert.equal(o!.result.delivered, true, o!.result.reason);
    assert.equal(o!.result.server?.identity, PEER.identity);
    assert.ok(peer.server.messages(dave).some((x) => x.raw.toString().includes(m.messageId)));
    home.setForwarding(alice.identifiers.MSISDN, '');
  });

  it('takes voicemail from the peer for a local mailbox; refuses foreign originators and recipients', async () => {
    const ok = await peer.interworking.send('interServer', { from: dave, to: alice.identifiers['e-mail alias'], raw: vpimMessage(vm(dave, alice.identifiers['e-mail alias'])) });
    assert.equal(ok.result.delivered, true, ok.result.reason);
    const spoofed = await peer.interworking.send('interServer', { from: 'mallory@bank.example', to: alice.identifiers['e-mail alias'], raw: vpimMessage(vm('mallory@bank.example', 'x')) });
    assert.equal(spoofed.result.replies.find((r) => r.command === 'MAIL')?.code, 550);
    peer.interworking.routeDomain('elsewhere.example', home.endpoint('interServer', 'starttls')!);
    const relay = await peer.interworking.send('interServer', { from: dave, to: 'victim@elsewhere.example', raw: vpimMessage(vm(dave, 'victim@elsewhere.example')) });
    assert.match(relay.result.replies.find((r) => r.command.startsWith('RCPT'))?.text ?? '', /Relaying denied/);
  });

  it('flags a relayed voicemail whose signature broke on the way; a fault switched at run time stops that', async () => {
    const leaf = pki.leaf('evvm-server-peer');
    const send = async () => {
      const m = vm(dave, alice.identifiers['e-mail alias']);
      const signed = vpimMessage(m, await opensslSigner.sign(vpimEntity(m), { chainPem: leaf.chainPem, keyPem: leaf.keyPem }));
      await peer.interworking.send('interServer', { from: dave, to: alice.identifiers['e-mail alias'], raw: reEncode(signed) });
      return server.messages(alice.identifiers.MSISDN).find((x) => x.raw.toString().includes(m.messageId))!;
    };
    assert.ok((await send()).flags.includes(SIGNATURE_INVALID_FLAG));
    server.setFault('evvm-server:accept-broken-signature', true);
    try {
      assert.ok(!(await send()).flags.includes(SIGNATURE_INVALID_FLAG));
    } finally {
      server.setFault('evvm-server:accept-broken-signature', false);
    }
  });
});
