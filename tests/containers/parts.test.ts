/** The container topology's parts that need no Docker engine: codec, PKI hand-over, tunnels, the driven host. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { decode, encode } from '../../harness/control/codec';
import { exportPki, importPki } from '../../simulators/crypto/pki/transfer';
import { sharedTestPki, smimePkiFor } from '../../simulators/crypto/pki';
import { Tunnel } from '../../harness/topology/containers/tunnel';
import { ControlClient } from '../../harness/topology/containers/control-client';
import { ControlServer } from '../../harness/control/control-server';
import { DrivenHost } from '../../harness/simulate/driven';
import { Transcript } from '../../evidence/transcript';
import { demoAccounts } from '../../harness/topology/accounts';
import { loadProfile } from '../../harness/profile/profile';
import { freePorts } from './free-ports';
import { InProcessFleet } from './in-process-fleet';

test('the control codec carries bytes as bytes, nested anywhere', () => {
  const value = { a: Buffer.from([0, 255, 10]), list: [{ raw: Buffer.from('hello') }], text: 'x', n: 3 };
  const back = decode(encode(value)) as typeof value;
  assert.ok(Buffer.isBuffer(back.a) && back.a.equals(value.a));
  assert.ok(Buffer.isBuffer(back.list[0]!.raw) && back.list[0]!.raw.toString() === 'hello');
  assert.deepEqual({ text: back.text, n: back.n }, { text: 'x', n: 3 });
});

test('a PKI handed over is the same PKI: leaves, twins, CRLs and the S/MIME part', async () => {
  const pki = await sharedTestPki();
  const smime = await smimePkiFor(pki);
  const copy = importPki(JSON.parse(JSON.stringify(exportPki(pki, smime))) as ReturnType<typeof exportPki>);
  assert.equal(copy.trustAnchorPem, pki.trustAnchorPem);
  assert.deepEqual(copy.crls, pki.crls);
  assert.equal(copy.leaf('evvm-server').keyPem, pki.leaf('evvm-server').keyPem);
  assert.equal(copy.bad('evvm-client', 'revoked').serialNumber, pki.bad('evvm-client', 'revoked').serialNumber);
  const smimeCopy = await smimePkiFor(copy);
  assert.equal(smimeCopy.leaf('smime-alice').certPem, smime.leaf('smime-alice').certPem);
  assert.equal(smimeCopy.bad('smime-caller', 'no-non-repudiation').certPem, smime.bad('smime-caller', 'no-non-repudiation').certPem);
});

test('a tunnel reaches only the ports the control API allows, and a closed port closes the connection', async () => {
  const [allowed, other] = await freePorts(2);
  const echo = net.createServer((s) => s.pipe(s));
  await new Promise<void>((r) => echo.listen(allowed, '127.0.0.1', r));
  const control = new ControlServer({}, [allowed!, other!]);
  const url = new URL(await control.listen('127.0.0.1'));
  const through = async (port: number): Promise<string> => {
    const { tunnel, port: local } = await Tunnel.open(url, port);
    const got = await new Promise<string>((resolve) => {
      const c = net.connect(local, '127.0.0.1', () => c.write('ping'));
      let data = '';
      c.on('data', (d) => {
        data += d.toString();
        if (data === 'ping') c.end();
      });
      c.on('close', () => resolve(data));
      c.on('error', () => resolve(data));
    });
    await tunnel.close();
    return got;
  };
  assert.equal(await through(allowed!), 'ping');
  assert.equal(await through(other!), '', 'nothing listens there: the connection just closes');
  const forbidden = await new Promise<string>((resolve) => {
    const c = net.connect(Number(url.port), '127.0.0.1', () => c.write(`CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: x\r\n\r\n`));
    c.once('data', (d) => resolve(d.toString()));
  });
  assert.match(forbidden, /^HTTP\/1\.1 403/);
  echo.close();
  await control.close();
});

test('a driven host sets up, begins a scenario with its faults, serves its role and hands back the transcript', async () => {
  const pool = await freePorts(4);
  const host = new DrivenHost('evvm-server', { poolPorts: pool, host: '127.0.0.1' });
  const client = new ControlClient('evvm-server', new URL(await host.listen('127.0.0.1', 0)));
  await assert.rejects(client.call('POST /scenario/begin', { faults: [] }), /has not been set up/);
  const pki = await sharedTestPki();
  const accounts = demoAccounts('t1');
  await client.call('POST /setup', { pki: exportPki(pki, await smimePkiFor(pki)), accounts, profile: loadProfile(), peers: { 'evvm-server': '127.0.0.1' } });
  await assert.rejects(client.call('POST /scenario/begin', { faults: ['nobody:no-such-fault'] }), /unknown fault/);
  await client.call('POST /scenario/begin', { faults: [] });
  const started = await client.call<{ ports: { imaps?: number } }>('POST /evvm-server/start');
  assert.ok(pool.includes(started.ports.imaps!), 'the IMAP port is one of the fixed pool ports');
  const ended = await client.call<{ transcript: unknown[] }>('POST /scenario/end');
  assert.ok(Array.isArray(ended.transcript));
  const refused = await new Promise<boolean>((resolve) => net.connect(started.ports.imaps!, '127.0.0.1').on('connect', () => resolve(false)).on('error', () => resolve(true)));
  assert.ok(refused, "the scenario's end released its ports");
  client.close();
  await host.close();
});

test("a container's transcript joins the scenario's in time order, scrubbed again", () => {
  const t = new Transcript();
  t.secret('s3cr3t-value');
  t.record({ actor: 'Harness', channel: 'note', dir: 'event', text: 'first' });
  const elsewhere = [{ t: 5, seq: 0, actor: 'EVVM Server', channel: 'imap' as const, dir: 'recv' as const, text: 'LOGIN alice s3cr3t-value' }];
  t.record({ actor: 'Harness', channel: 'note', dir: 'event', text: 'second' });
  t.absorb(elsewhere, Date.now() - 1000, 'evvm-server');
  const texts = t.entries().map((e) => e.text);
  // it happened before both of the harness's entries
  assert.deepEqual(texts, ['LOGIN alice «redacted»', 'first', 'second']);
  assert.deepEqual(t.entries().map((e) => e.seq), [0, 1, 2]);
  assert.deepEqual(t.entries().map((e) => e.container), ['evvm-server', undefined, undefined], 'each entry says where it was recorded');
});

test('the container topology drives in-process hosts: the EVVM Client retrieves from the EVVM Server across them', async () => {
  const fleet = await InProcessFleet.start(['evvm-server', 'evvm-client', 'adversaries']);
  try {
    const { topology, transcript } = await fleet.scenario();
    const server = await topology.evvmServer();
    const endpoint = server.endpoint('implicit-tls')!;
    const alice = topology.account('alice');
    const got = await (await topology.evvmClient()).retrieveVoicemail({ ...endpoint, transport: 'implicit-tls' }, { username: alice.identifiers['SIP URI'], password: alice.password });
    assert.ok(got.loggedIn && got.voicemails.length > 0, JSON.stringify(got.error));
    const rogue = await (await topology.role('imap-adversaries')).rogueImapServer('untrusted-ca');
    const refused = await (await topology.evvmClient()).retrieveVoicemail({ ...rogue.endpoint('implicit-tls'), transport: 'implicit-tls' }, { username: alice.identifiers['SIP URI'], password: alice.password });
    assert.equal(refused.loggedIn, false);
    assert.ok(!(await rogue.clientBytes()).includes(Buffer.from(alice.password)), 'no credential reached the rogue server');
    const seen = await server.observations();
    assert.ok(seen.authentications.some((x) => x.outcome === 'success') && seen.connections.length > 0, "the EVVM Server's own records cross the contract's route");
    const mitm = await (await topology.role('imap-adversaries')).starttlsStripper(true);
    const stripped = await (await topology.evvmClient()).retrieveVoicemail({ ...mitm.endpoint('starttls'), transport: 'starttls' }, { username: alice.identifiers['SIP URI'], password: alice.password });
    assert.equal(stripped.loggedIn, false, 'the EVVM Client insists on STARTTLS');
    assert.ok(!(await mitm.clientBytes()).includes(Buffer.from(alice.password)), 'no credential crossed the man in the middle');
    await topology.stop();
    const actors = new Set(transcript.entries().map((e) => e.actor));
    assert.ok(actors.has('EVVM Server') && actors.has('EVVM Client') && actors.has('Rogue IMAP Server') && actors.has('Man in the Middle'), [...actors].join(', '));
    assert.ok(!JSON.stringify(transcript.entries()).includes(alice.password));
  } finally {
    await fleet.close();
  }
});
