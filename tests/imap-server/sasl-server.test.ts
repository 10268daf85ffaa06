import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  CramMd5Server,
  createServerMechanism,
  ExternalServer,
  LoginServer,
  PlainServer,
  ScramSha256Server,
} from '../../simulators/protocol/sasl/server';
import type { SaslServerContext, ServerStep } from '../../simulators/protocol/sasl/types';
import { TestScramClient } from './helpers/scram-client';

const users: Record<string, string> = { alice: 'wonderland', 'tel:+15550001': 'pencil', bob: 'builder' };
const ctx: SaslServerContext = {
  passwordOf: (u) => users[u],
  mayActAs: (authcid, authzid) => authcid === 'alice' && authzid === 'tel:+15550001',
};
const B = (s: string): Buffer => Buffer.from(s, 'utf8');

function expectFailure(step: ServerStep, reason: string): void {
  assert.equal(step.kind, 'failure', JSON.stringify(step));
  if (step.kind === 'failure') assert.equal(step.reason, reason, step.detail);
}

describe('SASL PLAIN server (RFC 4616)', () => {
  it('accepts the right password, with and without authzid', () => {
    assert.deepEqual(new PlainServer(ctx).start(B('\0alice\0wonderland')), { kind: 'success', authcid: 'alice' });
    assert.deepEqual(new PlainServer(ctx).start(B('tel:+15550001\0alice\0wonderland')), {
      kind: 'success',
      authcid: 'alice',
      authzid: 'tel:+15550001',
    });
    assert.deepEqual(new PlainServer(ctx).start(B('alice\0alice\0wonderland')), { kind: 'success', authcid: 'alice', authzid: 'alice' });
  });
  it('sends an empty challenge without initial response', () => {
    const m = new PlainServer(ctx);
    assert.deepEqual(m.start(undefined), { kind: 'challenge', data: Buffer.alloc(0) });
    assert.equal(m.next(B('\0bob\0builder')).kind, 'success');
  });
  it('refuses wrong passwords, unknown users, authzids it may not act as, and malformed messages', () => {
    expectFailure(new PlainServer(ctx).start(B('\0alice\0wrong')), 'invalid-credentials');
    expectFailure(new PlainServer(ctx).start(B('\0mallory\0x')), 'unknown-user');
    expectFailure(new PlainServer(ctx).start(B('bob\0alice\0wonderland')), 'authorization-denied');
    expectFailure(new PlainServer(ctx).start(B('alice\0wonderland')), 'malformed');
    expectFailure(new PlainServer(ctx).start(B('\0\0x')), 'malformed');
    expectFailure(new PlainServer(ctx).start(Buffer.from([0, 0x61, 0, 0xff, 0xfe])), 'malformed');
    expectFailure(new PlainServer(ctx).start(Buffer.alloc(0)), 'malformed');
  });
  it('without mayActAs, only authzid == authcid is allowed', () => {
    expectFailure(new PlainServer({ passwordOf: (u) => users[u] }).start(B('bob\0alice\0wonderland')), 'authorization-denied');
  });
  it('uses the role verifier when there is one', () => {
    const m = new PlainServer({ passwordOf: () => undefined, verifyPassword: () => 'ok' } as SaslServerContext);
    assert.equal(m.start(B('\0anyone\0anything')).kind, 'success');
  });
});

describe('SASL LOGIN server', () => {
  it('asks Username: then Password:', () => {
    const m = new LoginServer(ctx);
    assert.deepEqual(m.start(undefined), { kind: 'challenge', data: B('Username:') });
    assert.deepEqual(m.next(B('bob')), { kind: 'challenge', data: B('Password:') });
    assert.deepEqual(m.next(B('builder')), { kind: 'success', authcid: 'bob' });
  });
  it('takes a SASL-IR initial response as the user name, and refuses a wrong password', () => {
    const m = new LoginServer(ctx);
    assert.deepEqual(m.start(B('bob')), { kind: 'challenge', data: B('Password:') });
    expectFailure(m.next(B('nope')), 'invalid-credentials');
  });
});

describe('SASL CRAM-MD5 server (RFC 2195)', () => {
  it('verifies the RFC 2195 example', () => {
    const challenge = '<1896.697170952@postoffice.reston.mci.net>';
    const m = new CramMd5Server({ passwordOf: (u) => (u === 'tim' ? 'tanstaaftanstaaf' : undefined) }, { challenge });
    assert.deepEqual(m.start(undefined), { kind: 'challenge', data: B(challenge) });
    assert.deepEqual(m.next(B('tim b913a602c7eda7a495b4e6e7334d3890')), { kind: 'success', authcid: 'tim' });
  });
  it('refuses wrong digests, unknown users, malformed responses and an initial response', () => {
    const m = new CramMd5Server(ctx);
    const ch = (m.start(undefined) as { data: Buffer }).data.toString();
    assert.match(ch, /^<\d+\.\d+@localhost>$/);
    expectFailure(m.next(B(`alice ${createHmac('md5', 'wrong').update(ch).digest('hex')}`)), 'invalid-credentials');
    const m2 = new CramMd5Server(ctx);
    const ch2 = (m2.start(undefined) as { data: Buffer }).data.toString();
    expectFailure(m2.next(B(`nobody ${createHmac('md5', 'x').update(ch2).digest('hex')}`)), 'unknown-user');
    const m3 = new CramMd5Server(ctx);
    m3.start(undefined);
    expectFailure(m3.next(B('alice NOTHEX')), 'malformed');
    expectFailure(new CramMd5Server(ctx).start(B('x')), 'malformed');
  });
});

describe('SASL SCRAM-SHA-256 server (RFC 7677, RFC 5802)', () => {
  it('reproduces the RFC 7677 test vector', () => {
    const m = new ScramSha256Server(
      { passwordOf: (u) => (u === 'user' ? 'pencil' : undefined) },
      {
        nonce: () => '%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0',
        params: () => ({ salt: Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64'), iterations: 4096 }),
      },
    );
    const first = m.start(B('n,,n=user,r=rOprNGfwEbeRWgbNEkqO'));
    assert.equal(first.kind, 'challenge');
    assert.equal(
      (first as { data: Buffer }).data.toString(),
      'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096',
    );
    const final = m.next(
      B('c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ='),
    );
    assert.equal(final.kind, 'success');
    assert.equal((final as { data: Buffer }).data.toString(), 'v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=');
  });
  it('works with a client, with authzid, and refuses a wrong password', () => {
    const c = new TestScramClient('alice', 'wonderland', 'tel:+15550001');
    const m = new ScramSha256Server(ctx);
    const sf = m.start(c.first());
    const ok = m.next(c.final((sf as { data: Buffer }).data));
    assert.equal(ok.kind, 'success');
    assert.equal(ok.kind === 'success' && ok.authzid, 'tel:+15550001');
    assert.ok(c.serverSignatureOk((ok as { data: Buffer }).data));
    const bad = new TestScramClient('alice', 'nope');
    const m2 = new ScramSha256Server(ctx);
    expectFailure(m2.next(bad.final((m2.start(bad.first()) as { data: Buffer }).data)), 'invalid-credentials');
  });
  it('reaches the end for unknown users (no early oracle) and then fails as unknown-user', () => {
    const c = new TestScramClient('nobody', 'x');
    const m = new ScramSha256Server(ctx);
    const sf = m.start(c.first());
    assert.equal(sf.kind, 'challenge');
    expectFailure(m.next(c.final((sf as { data: Buffer }).data)), 'unknown-user');
  });
  it('refuses channel binding, mandatory extensions, nonce and gs2 mismatches', () => {
    expectFailure(new ScramSha256Server(ctx).start(B('p=tls-unique,,n=alice,r=abc')), 'malformed');
    expectFailure(new ScramSha256Server(ctx).start(B('n,,m=ext,n=alice,r=abc')), 'malformed');
    expectFailure(new ScramSha256Server(ctx).start(B('n,,n=al=ice,r=abc')), 'malformed');
    const m = new ScramSha256Server(ctx);
    m.start(B('n,,n=alice,r=abc'));
    expectFailure(m.next(B(`c=biws,r=abcWRONG,p=${Buffer.alloc(32).toString('base64')}`)), 'malformed');
    const m2 = new ScramSha256Server(ctx);
    const sf = (m2.start(B('n,,n=alice,r=abc')) as { data: Buffer }).data.toString();
    const r = sf.split(',')[0]!;
    expectFailure(m2.next(B(`c=eSws,${r},p=${Buffer.alloc(32).toString('base64')}`)), 'malformed');
  });
});

describe('SASL EXTERNAL server (RFC 4422 App. A)', () => {
  it('takes the identity from the TLS layer', () => {
    assert.deepEqual(new ExternalServer({ ...ctx, externalIdentity: 'alice' }).start(Buffer.alloc(0)), { kind: 'success', authcid: 'alice' });
    assert.deepEqual(new ExternalServer({ ...ctx, externalIdentity: 'alice' }).start(B('tel:+15550001')), {
      kind: 'success',
      authcid: 'alice',
      authzid: 'tel:+15550001',
    });
  });
  it('fails without a TLS identity and for an authzid it may not act as', () => {
    expectFailure(new ExternalServer(ctx).start(Buffer.alloc(0)), 'invalid-credentials');
    expectFailure(new ExternalServer({ ...ctx, externalIdentity: 'bob' }).start(B('alice')), 'authorization-denied');
  });
  it('the factory builds every mechanism', () => {
    for (const n of ['PLAIN', 'LOGIN', 'CRAM-MD5', 'SCRAM-SHA-256', 'EXTERNAL'] as const) assert.equal(createServerMechanism(n, ctx).name, n);
  });
});
