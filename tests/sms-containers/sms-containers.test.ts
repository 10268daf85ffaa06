/**
 * SMS notifications in the container topology, without a Docker engine: the devices' view of the private
 * network, how the harness translates endpoints an SMS names, the cross-container settle, and the driven
 * routes of the four containers (in-process driven hosts on loopback) carrying a whole SMS exchange.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { describe, it } from 'node:test';
import { sharedTestPki, smimePkiFor } from '../../simulators/crypto/pki';
import { exportPki } from '../../simulators/crypto/pki/transfer';
import type { ClientVvmState, NotificationRecord, SyncRecord } from '../../simulators/evvm-client/sms/vvm-sms-client';
import type { ReceivedSms } from '../../simulators/evvm-client/sms/handset';
import { DrivenHost } from '../../harness/simulate/driven';
import { DeviceNetwork, NetworkEvvmClient } from '../../harness/simulate/driven/sms';
import { ControlClient } from '../../harness/topology/containers/control-client';
import { harnessPort, publishedEndpointsIn, settleAcross } from '../../harness/topology/containers/sms';
import { smsCredentials, smscAccounts } from '../../harness/topology/embedded/sms';
import { HarnessError } from '../../harness/engine/outcomes';
import { Transcript, type TranscriptEntry } from '../../harness/evidence/transcript';
import { demoAccounts } from '../../harness/topology/accounts';
import { loadProfile } from '../../harness/profile/profile';
import { freePorts } from '../containers/free-ports';

describe("the devices' network (evvm-client container)", () => {
  it('resolves names only, reaches the run’s own names, and follows ports the harness routed', () => {
    const n = new DeviceNetwork();
    assert.equal(n.resolve('evvm-server.op.example'), 'evvm-server.op.example');
    assert.equal(n.resolve('127.0.0.1'), undefined, 'not reached by address');
    assert.deepEqual(n.destination('evvm-server.op.example', 7001), { host: 'evvm-server.op.example', port: 7001 });
    assert.equal(n.destination('attacker.example', 7001), undefined, 'a name outside the run leads nowhere (no DNS query leaves it)');
    n.route(41234, { host: 'adversaries', port: 7003 });
    assert.deepEqual(n.destination('attacker.example', 41234), { host: 'adversaries', port: 7003 }, 'the port decides, as on the embedded network');
    assert.deepEqual(n.destination('evvm-server.op.example', 41234), { host: 'adversaries', port: 7003 });
  });

  it('an unreachable server costs no connection; a routed one gets it', async () => {
    const pki = await sharedTestPki();
    const seen: string[] = [];
    const server = net.createServer((s) => {
      seen.push('connected');
      s.destroy();
    });
    const [port] = await new Promise<number[]>((resolve) => server.listen(0, '127.0.0.1', () => resolve([(server.address() as net.AddressInfo).port])));
    const network = new DeviceNetwork();
    const client = new NetworkEvvmClient({ trustAnchorPem: pki.trustAnchorPem, timeoutMs: 3000 }, network);
    const account = { username: 'tel:+15550001', password: 'not-sent' };
    const lost = await client.retrieveVoicemail({ host: 'attacker.example', port: 993, servername: 'evvm-server.op.example', transport: 'implicit-tls' }, account);
    assert.equal(lost.connected, false);
    assert.match(lost.error ?? '', /attacker\.example is not reachable/);
    network.route(40000, { host: '127.0.0.1', port: port! });
    const routed = await client.retrieveVoicemail({ host: 'attacker.example', port: 40000, servername: 'evvm-server.op.example', transport: 'implicit-tls' }, account);
    assert.equal(routed.loggedIn, false);
    assert.deepEqual(seen, ['connected']);
    server.close();
  });
});

describe('endpoints between the harness and the private network', () => {
  const onNetwork = <E extends { host: string; port: number }>(e: E): E => {
    if (e.host === '127.0.0.1' && e.port === 41234) return { ...e, host: 'adversaries', port: 7003 };
    throw new HarnessError(`${e.host}:${e.port} is not a port of this run's containers`);
  };

  it('finds the ports an SMS names that are the harness’s published ones, wherever ipt stands', () => {
    assert.deepEqual(publishedEndpointsIn({ onNetwork }, '//VVM:STATUS:st=R;rc=0;srv=attacker.example;ipt=41234;u=tel:+15550001;pw=x'), [{ port: 41234, to: { host: 'adversaries', port: 7003 } }]);
    assert.deepEqual(publishedEndpointsIn({ onNetwork }, '//VVM:STATUS:st=R;ipt=41234i;u=x'), [{ port: 41234, to: { host: 'adversaries', port: 7003 } }], 'a malformed port still names it');
    assert.deepEqual(publishedEndpointsIn({ onNetwork }, '//VVM:STATUS:st=R;ipt=993;u=x'), [], 'a port of no container is left alone');
    assert.deepEqual(publishedEndpointsIn({ onNetwork }, '//VVM:SYNC:ev=NM;id=1;xipt=41234'), []);
  });

  it('answers what a device reached as the harness reaches it', () => {
    const published = (role: string, port: number) => ({ host: '127.0.0.1', port: role === 'evvm-server' ? 30000 + port : 40000 + port });
    assert.equal(harnessPort({ published }, { host: 'evvm-server.op.example', port: 7001 }), 37001);
    assert.equal(harnessPort({ published }, { host: 'adversaries', port: 7003 }), 47003);
    assert.equal(harnessPort({ published }, null), undefined);
    assert.equal(harnessPort({ published }, { host: 'evvm-server', port: 993 }), undefined, 'not a pool port');
    assert.equal(harnessPort({ published }, { host: 'attacker.example', port: 7001 }), undefined);
  });
});

describe('settling across containers', () => {
  /** a container whose POST /settle answers from a script: busy, busy, idle, … */
  const scripted = (answers: boolean[]) => {
    let i = 0;
    return {
      asked: () => i,
      call: async <T>(): Promise<T> => ({ wasBusy: answers[Math.min(i++, answers.length - 1)] }) as T,
    };
  };

  it('waits for two all-idle rounds in a row', async () => {
    const a = scripted([true, false, false, false]);
    const b = scripted([false, true, false, false]);
    await settleAcross([a, b], 1000);
    assert.equal(a.asked(), 4, 'busy, busy elsewhere, idle, idle');
    assert.equal(b.asked(), 4);
  });

  it('is a harness error when the path does not go quiet', async () => {
    const busy = { call: async <T>(): Promise<T> => { await new Promise((r) => setTimeout(r, 20)); return { wasBusy: true } as T; } };
    await assert.rejects(settleAcross([busy], 100), (err: Error) => err instanceof HarnessError && /still busy after 100 ms/.test(err.message));
  });
});

describe('the driven SMS routes of four containers, in-process on loopback', () => {
  it('activates, notifies a deposit, and keeps a fake base station’s SMS from an unknown number out', async () => {
    const roles = ['smsc', 'evvm-server', 'evvm-client', 'adversaries'] as const;
    const pools = await freePorts(4 * roles.length);
    const hosts = roles.map((role, i) => new DrivenHost(role, { poolPorts: pools.slice(4 * i, 4 * i + 4), host: '127.0.0.1' }));
    const [smsc, server, client, adversaries] = await Promise.all(hosts.map(async (h, i) => new ControlClient(roles[i]!, new URL(await h.listen('127.0.0.1', 0)))));
    const all = [smsc!, server!, client!, adversaries!];
    try {
      const pki = await sharedTestPki();
      const accounts = demoAccounts('sms');
      const profile = loadProfile();
      const peers = Object.fromEntries(roles.map((r) => [r, '127.0.0.1']));
      const transfer = exportPki(pki, await smimePkiFor(pki));
      await Promise.all(all.map((c) => c.call('POST /setup', { pki: transfer, accounts, profile, peers })));
      await Promise.all(all.map((c) => c.call('POST /scenario/begin', { faults: [] })));

      const harness = new Transcript();
      const credentials = smsCredentials(accounts, harness);
      const { ports } = await smsc!.call<{ ports: { smpp: number; smpps: number } }>('POST /smsc/start', { accounts: smscAccounts(credentials, profile.policy.sms) });
      assert.ok(pools.includes(ports.smpp) && pools.includes(ports.smpps));
      const imap = await server!.call<{ ports: { imaps: number } }>('POST /evvm-server/start');
      await server!.call('POST /evvm-server-sms/start', { smsc: ports, credentials: credentials.evvmServer });
      // no DNS here knows evvm-server.op.example: its port leads to loopback, as the harness would route it
      await client!.call('POST /sms-device/routes', { routes: [{ port: imap.ports.imaps, to: { host: '127.0.0.1', port: imap.ports.imaps } }] });
      const { msisdn, ...alice } = credentials.handsets.get('alice')!;
      const device = await client!.call<{ actor: string; radio: string }>('POST /sms-device/start', { name: 'alice', msisdn, credentials: alice, smsc: { port: ports.smpp }, server: { servername: 'evvm-server.op.example', transport: 'implicit-tls' } });
      const observe = <T>(what: string) => client!.call<T>('POST /sms-device/observe', { name: 'alice', what });

      await client!.call('POST /sms-device/mo', { name: 'alice', command: 'Activate' });
      await settleAcross(all, 8000);
      const { state, reached } = await observe<{ state: ClientVvmState; reached: { host: string; port: number } }>('state');
      assert.equal(state.provisioned, true, 'the STATUS led the EVVM Client to the EVVM Server');
      assert.deepEqual({ server: state.server, reached }, { server: { host: 'evvm-server.op.example', port: imap.ports.imaps }, reached: { host: '127.0.0.1', port: imap.ports.imaps } });

      const { uid } = await server!.call<{ uid: number }>('POST /evvm-server-sms/deposit', { name: 'alice' });
      await settleAcross(all, 8000);
      const { received } = await observe<{ received: ReceivedSms[] }>('received');
      assert.ok(received.some((r) => r.text.includes(`:SYNC:`) && r.text.includes(`id=${uid}`)), 'a SYNC for the deposit reached the handset');
      const { syncs } = await observe<{ syncs: Array<{ record: SyncRecord }> }>('syncs');
      assert.ok(syncs.at(-1)!.record.loggedIn);

      await adversaries!.call('POST /sms-spoofer/start', { credentials: credentials.spoofer, smsc: { port: ports.smpp } });
      const { sms } = await adversaries!.call<{ sms: unknown }>('POST /sms-spoofer/air', { radio: device.radio, sms: { originator: '15559999', text: '//VVM:SYNC:ev=NM;id=4242;c=1;t=v', port: profile.policy.sms.applicationPort } });
      await client!.call('POST /sms-device/air', { name: 'alice', sms });
      await settleAcross(all, 8000);
      const { notifications } = await observe<{ notifications: NotificationRecord[] }>('notifications');
      assert.equal(notifications.at(-1)!.verdict, 'dropped');

      const ended = await Promise.all(all.map((c) => c.call<{ transcript: TranscriptEntry[] }>('POST /scenario/end')));
      const text = JSON.stringify(ended.map((e) => e.transcript));
      assert.match(text, /Fake Base Station/, "the spoofer's transmission is in its container's transcript");
      for (const c of [credentials.evvmServer, credentials.spoofer, alice]) assert.ok(!text.includes(c.password), 'no SMPP password in any container transcript');
    } finally {
      for (const c of all) c.close();
      await Promise.all(hosts.map((h) => h.close()));
    }
  });
});
