import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createSaslClient,
  SaslClientError,
  ScramSha256Client,
  saslName,
} from '../../simulators/protocol/sasl/client';

const utf8 = (s: string): Buffer => Buffer.from(s, 'utf8');

function saslCode(code: string): (err: unknown) => boolean {
  return (err) => err instanceof SaslClientError && err.code === code;
}

test('PLAIN: authzid NUL authcid NUL password, with and without authzid (RFC 4616)', () => {
  assert.deepEqual(createSaslClient('PLAIN', { authcid: 'tim', password: 'tanstaaftanstaaf' }).initial(), utf8('\0tim\0tanstaaftanstaaf'));
  assert.deepEqual(
    createSaslClient('PLAIN', { authcid: 'Kurt', password: 'xipj3plmq', authzid: 'Ursel' }).initial(),
    utf8('Ursel\0Kurt\0xipj3plmq'),
  );
  assert.throws(() => createSaslClient('PLAIN', { authcid: 'a\0b', password: 'x' }), saslCode('INVALID_CREDENTIALS_SYNTAX'));
  assert.throws(() => createSaslClient('PLAIN', { authcid: 'tim' }), saslCode('MISSING_PASSWORD'));
  assert.throws(() => createSaslClient('PLAIN', { authcid: 'tim', password: 'p' }).respond(utf8('x')), saslCode('UNEXPECTED_CHALLENGE'));
});

test('LOGIN: username then password, whatever the prompts say; a third challenge is refused', () => {
  const m = createSaslClient('LOGIN', { authcid: 'alice', password: 's3cret' });
  assert.equal(m.initial(), undefined);
  assert.deepEqual(m.respond(utf8('Username:')), utf8('alice'));
  assert.deepEqual(m.respond(utf8('User Name\0')), utf8('s3cret'));
  assert.throws(() => m.respond(utf8('Password:')), saslCode('UNEXPECTED_CHALLENGE'));
});

test('CRAM-MD5: RFC 2195 example', () => {
  const m = createSaslClient('CRAM-MD5', { authcid: 'tim', password: 'tanstaaftanstaaf' });
  assert.equal(m.initial(), undefined);
  const reply = m.respond(utf8('<1896.697170952@postoffice.reston.mci.net>'));
  assert.equal(reply.toString(), 'tim b913a602c7eda7a495b4e6e7334d3890');
  assert.equal(Buffer.from('dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw', 'base64').toString(), reply.toString());
  assert.throws(() => m.respond(utf8('<again@x>')), saslCode('UNEXPECTED_CHALLENGE'));
  assert.throws(
    () => createSaslClient('CRAM-MD5', { authcid: 'tim', password: 'p' }).respond(Buffer.alloc(0)),
    saslCode('MALFORMED_CHALLENGE'),
  );
});

test('EXTERNAL: empty initial response, or the authzid (RFC 4422 App. A)', () => {
  assert.deepEqual(createSaslClient('EXTERNAL', { authcid: '' }).initial(), Buffer.alloc(0));
  assert.deepEqual(createSaslClient('EXTERNAL', { authcid: '', authzid: 'sip:alice@op.example' }).initial(), utf8('sip:alice@op.example'));
  assert.throws(() => createSaslClient('EXTERNAL', { authcid: '' }).respond(utf8('x')), saslCode('UNEXPECTED_CHALLENGE'));
});

test('unknown mechanism is a typed error', () => {
  assert.throws(() => createSaslClient('GSSAPI', { authcid: 'a', password: 'b' }), saslCode('UNKNOWN_MECHANISM'));
});

// RFC 7677 §3
const RFC7677 = {
  nonce: 'rOprNGfwEbeRWgbNEkqO',
  clientFirst: 'n,,n=user,r=rOprNGfwEbeRWgbNEkqO',
  serverFirst: 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096',
  clientFinal: 'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=',
  serverFinal: 'v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=',
};

function rfcClient(): ScramSha256Client {
  return new ScramSha256Client({ authcid: 'user', password: 'pencil' }, { clientNonce: RFC7677.nonce });
}

test('SCRAM-SHA-256: RFC 7677 test vector, server signature verified', () => {
  const m = rfcClient();
  assert.equal(m.initial().toString(), RFC7677.clientFirst);
  assert.equal(m.respond(utf8(RFC7677.serverFirst)).toString(), RFC7677.clientFinal);
  assert.equal(m.serverVerified, false);
  assert.deepEqual(m.respond(utf8(RFC7677.serverFinal)), Buffer.alloc(0));
  assert.equal(m.serverVerified, true);
  m.verifySuccess(undefined);
});

test('SCRAM-SHA-256 via the factory with an injected nonce', () => {
  const m = createSaslClient('SCRAM-SHA-256', { authcid: 'user', password: 'pencil' }, { clientNonce: RFC7677.nonce });
  m.initial();
  assert.equal(m.respond(utf8(RFC7677.serverFirst)).toString(), RFC7677.clientFinal);
});

test('SCRAM-SHA-256: a wrong server signature fails mutual authentication', () => {
  const m = rfcClient();
  m.initial();
  m.respond(utf8(RFC7677.serverFirst));
  const forged = 'v=' + Buffer.alloc(32, 7).toString('base64');
  assert.throws(() => m.respond(utf8(forged)), saslCode('SERVER_SIGNATURE_MISMATCH'));
  assert.throws(() => m.verifySuccess(undefined), saslCode('MISSING_SERVER_FINAL'));
});

test('SCRAM-SHA-256: success without a server-final is refused; final data on success is checked', () => {
  const skipped = rfcClient();
  skipped.initial();
  skipped.respond(utf8(RFC7677.serverFirst));
  assert.throws(() => skipped.verifySuccess(undefined), saslCode('MISSING_SERVER_FINAL'));

  const withData = rfcClient();
  withData.initial();
  withData.respond(utf8(RFC7677.serverFirst));
  withData.verifySuccess(utf8(RFC7677.serverFinal));
  assert.equal(withData.serverVerified, true);
});

test('SCRAM-SHA-256: hostile server-first messages', () => {
  const cases: [string, string][] = [
    ['r=someoneelse,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096', 'NONCE_MISMATCH'],
    [`r=${RFC7677.nonce},s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096`, 'NONCE_MISMATCH'], // no server part
    [`r=${RFC7677.nonce}xyz,s=***,i=4096`, 'MALFORMED_CHALLENGE'],
    [`r=${RFC7677.nonce}xyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=0`, 'MALFORMED_CHALLENGE'],
    [`r=${RFC7677.nonce}xyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=2147483647`, 'ITERATIONS_OUT_OF_RANGE'],
    [`m=ext,r=${RFC7677.nonce}xyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096`, 'UNSUPPORTED_EXTENSION'],
    ['garbage', 'MALFORMED_CHALLENGE'],
  ];
  for (const [serverFirst, code] of cases) {
    const m = rfcClient();
    m.initial();
    assert.throws(() => m.respond(utf8(serverFirst)), saslCode(code), serverFirst);
  }
  const m = rfcClient();
  m.initial();
  m.respond(utf8(RFC7677.serverFirst));
  assert.throws(() => m.respond(utf8('e=invalid-proof')), saslCode('SERVER_ERROR'));
});

test('SCRAM-SHA-256: gs2 header with authzid, saslname escaping, SASLprep', () => {
  const m = new ScramSha256Client({ authcid: 'us=er,x', password: 'pencil', authzid: 'ad,min' }, { clientNonce: 'abc' });
  assert.equal(m.initial().toString(), 'n,a=ad=2Cmin,n=us=3Der=2Cx,r=abc');
  assert.equal(saslName('a=b,c'), 'a=3Db=2Cc');
  // The channel-binding attribute carries the whole gs2 header: c=base64("n,a=ad=2Cmin,")
  const final = m.respond(utf8('r=abcdef,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096')).toString();
  assert.ok(final.startsWith(`c=${Buffer.from('n,a=ad=2Cmin,').toString('base64')},r=abcdef,p=`));
  // SASLprep maps the soft hyphen away: "I\u00ADX" and "IX" are the same password.
  const a = new ScramSha256Client({ authcid: 'u', password: 'I\u00ADX' }, { clientNonce: 'n1' });
  const b = new ScramSha256Client({ authcid: 'u', password: 'IX' }, { clientNonce: 'n1' });
  a.initial();
  b.initial();
  const sf = utf8('r=n1srv,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096');
  assert.deepEqual(a.respond(sf), b.respond(sf));
  assert.throws(() => new ScramSha256Client({ authcid: 'u', password: 'a\u0007b' }), saslCode('INVALID_CREDENTIALS_SYNTAX'));
});

test('SCRAM-SHA-256: random client nonces differ', () => {
  const n1 = createSaslClient('SCRAM-SHA-256', { authcid: 'u', password: 'p' }).initial()!.toString();
  const n2 = createSaslClient('SCRAM-SHA-256', { authcid: 'u', password: 'p' }).initial()!.toString();
  assert.notEqual(n1, n2);
});
