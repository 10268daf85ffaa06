/**
 * The SMS roles (harness/roles/sms.ts) when a vendor's SMSC is under test: the harness's EVVM Server SMS
 * interface, the subscribers' handsets, the SMS spoofer and the test ESME bind to it with the accounts the
 * profile names (iut.accounts), over TLS where it declares TLS required or offers nothing else. The SMSC's
 * own records are not the harness's to read: what it did is what its bind and submit_sm answers said and
 * what the handsets received, recorded here as the harness's ESMEs saw it.
 */
import type { SmscIut } from '../../profile/sections/iut';
import type { BindObservation, SmscObservations, SubmissionObservation } from '../../../simulators/smsc';
import { EvvmServerSms } from '../../../simulators/evvm-server/notifications/sms-interface';
import { SmsSpoofer } from '../../../simulators/adversaries/sms-spoofer';
import { Activity } from '../../../simulators/protocol/smpp/activity';
import { loopbackResolver } from '../../../simulators/evvm-client/sms/vvm-sms-client';
import type { SmscAccountOptions } from '../../../simulators/protocol/vvm-sms/smsc-account';
import { HarnessError } from '../../engine/outcomes';
import { TestEsme } from '../../equipment/test-esme';
import * as contract from '../../roles/sms';
import { simulatorOf } from '../embedded/authentication';
import { missing } from '../external';
import { registerExternalRole, type ExternalContext } from '../registry';

type Ctx = ExternalContext<SmscIut>;

const ACTOR = 'SMSC (IUT)';

/** The scenario's SMS network around the SMSC under test: one Activity, and what the harness's ESMEs were answered. */
interface Network {
  activity: Activity;
  binds: BindObservation[];
  submissions: SubmissionObservation[];
}
const networks = new WeakMap<ExternalContext, Network>();

async function networkOf(ctx: Ctx): Promise<Network> {
  await ctx.topology.role('smsc');
  const n = networks.get(ctx);
  if (!n) throw new HarnessError('the SMSC role has not been started in this scenario');
  return n;
}

/** Where an ESME of the harness other than the EVVM Server binds: the plain port when there is one, else SMPP over TLS. */
function esmeEndpoint(iut: SmscIut, fallbackCa: string): SmscAccountOptions['smsc'] {
  if (iut.ports.smpp !== undefined) return { host: iut.host, port: iut.ports.smpp };
  return { host: iut.host, port: iut.ports.smpps!, tls: { ca: iut.trustAnchorPem ?? fallbackCa, servername: iut.servername } };
}

/** A quiet SMS path: nothing of the harness's in flight, and the SMSC given `deliveryMs` to deliver what it accepted. */
async function settle(iut: SmscIut, activity: Activity): Promise<void> {
  try {
    await activity.idle(contract.SETTLE_MS);
    // deliveries by the SMSC under test are not the harness's to track: they get the time the profile allows
    await new Promise((resolve) => setTimeout(resolve, iut.deliveryMs));
    await activity.idle(contract.SETTLE_MS);
  } catch (err) {
    throw new HarnessError((err as Error).message);
  }
}

registerExternalRole('smsc', 'smsc', async (ctx) => {
  const { iut } = ctx;
  await ctx.reach(`the ${ACTOR}`, [iut.ports.smpp, iut.ports.smpps]);
  const net: Network = { activity: new Activity(), binds: [], submissions: [] };
  networks.set(ctx, net);
  const record = (b: { systemId: string; secure: boolean; outcome: { statusName: string } }): void =>
    void net.binds.push({ conn: 'test-esme', command: 'bind_transceiver', systemId: b.systemId, secure: b.secure, status: b.outcome.statusName });
  return {
    actor: ACTOR,
    endpoint: (t) => {
      const port = t === 'tls' ? iut.ports.smpps : iut.ports.smpp;
      return port === undefined ? undefined : { host: iut.host, port, ...(t === 'tls' ? { servername: iut.servername } : {}) };
    },
    evvmServerSystemId: iut.accounts.evvmServer.systemId,
    get testEsmeAccount() {
      return iut.accounts.testEsme ?? missing('test ESME account (iut.accounts.testEsme: a 15-octet system_id and an 8-octet password)');
    },
    ...(iut.declares.bindFieldLimits ? {} : { withoutBindFieldLimits: 'the SMSC under test declares no SMPP bind field limits (iut.declares.bindFieldLimits)' }),
    openTestEsme: async (t) => {
      const transport = t ?? (iut.ports.smpp !== undefined ? 'tcp' : 'tls');
      const port = transport === 'tls' ? iut.ports.smpps : iut.ports.smpp;
      if (port === undefined) throw new HarnessError(`the SMSC under test offers no ${transport === 'tls' ? 'SMPP over TLS' : 'plain SMPP'} port`);
      const endpoint = { host: iut.host, port, ...(transport === 'tls' ? { servername: iut.servername } : {}) };
      const esme = await TestEsme.open({ endpoint, ca: iut.trustAnchorPem ?? ctx.pki.trustAnchorPem, peer: ACTOR, transcript: ctx.transcript, onBind: record });
      ctx.onStop(() => esme.close());
      return esme;
    },
    observations: async (): Promise<SmscObservations> => {
      const server = servers.get(ctx)?.observations().bind;
      const binds = [...(server ? [{ conn: 'evvm-server', command: 'bind_transceiver', ...server }] : []), ...net.binds];
      const refused = net.submissions.filter((s) => s.status !== 'ESME_ROK').length;
      return { binds, submissions: [...net.submissions], deliveries: [], malformed: [], sessions: binds.length, counters: { submitted: net.submissions.length - refused, refused, delivered: 0 } };
    },
    settled: () => settle(iut, net.activity),
  };
});

/** The EVVM Server's SMS interface of the scenario: its bind is the SMSC's answer to the EVVM Server. */
const servers = new WeakMap<ExternalContext, EvvmServerSms>();

// The harness's EVVM Server, bound to the SMSC under test with the account the SMSC gave it.
registerExternalRole('smsc', 'evvm-server-sms', async (ctx) => {
  const { iut } = ctx;
  const net = await networkOf(ctx);
  const server = simulatorOf(await ctx.inner('evvm-server'));
  const imap = await ctx.topology.evvmServer();
  const advertised = contract.provisionedImap((t) => imap.endpoint(t));
  if (!advertised) throw new HarnessError('the EVVM Server offers no IMAP endpoint a STATUS could name');
  const options = contract.evvmServerSmsOptions({
    server,
    smsc: { host: iut.host, ports: iut.ports, ca: iut.trustAnchorPem ?? ctx.pki.trustAnchorPem, servername: iut.servername },
    credentials: iut.accounts.evvmServer,
    imap: { srv: advertised.endpoint.servername, ipt: advertised.endpoint.port },
    accounts: ctx.accounts,
    profile: ctx.profile,
    faults: ctx.faults,
    transcript: ctx.transcript,
    activity: net.activity,
  });
  const sms = new EvvmServerSms({ ...options, requireTls: options.requireTls || iut.declares.tlsRequired });
  servers.set(ctx, sms);
  await sms.start();
  ctx.onStop(() => sms.stop());
  const deposit = contract.voicemailDepositor(server);
  return {
    actor: sms.actor,
    shortCode: ctx.profile.policy.sms.shortCode,
    depositVoicemail: async (account) => deposit(account),
    mailboxUpdated: (msisdn) => sms.mailboxUpdated(msisdn),
    greetingsUpdated: (msisdn) => sms.greetingsUpdated(msisdn),
    subscriber: async (msisdn) => sms.subscriber(msisdn),
    observations: async () => sms.observations(),
    mailbox: async (identifier) => contract.mailboxOf(server, identifier),
  };
});

// The subscribers' handsets, each bound with the account the SMSC routes its MSISDN to.
registerExternalRole('smsc', 'evvm-client-sms', async (ctx) => {
  const { iut } = ctx;
  const net = await networkOf(ctx);
  const server = contract.provisionedServer(await ctx.topology.evvmServer());
  const handsets = new Map<string, contract.HandsetCredentials>();
  for (const [name, a] of iut.accounts.handsets) handsets.set(name, { systemId: a.systemId, password: a.password, msisdn: ctx.topology.account(name).identifiers.MSISDN });
  const role = contract.clientSmsRole(
    handsets,
    async (name, credentials) => {
      const parts = await contract.startDevice({
        name,
        credentials,
        account: ctx.accounts.find((a) => a.name === name),
        smsc: esmeEndpoint(iut, ctx.pki.trustAnchorPem),
        server,
        resolve: loopbackResolver,
        pki: ctx.pki,
        profile: ctx.profile,
        faults: ctx.faults,
        transcript: ctx.transcript,
        activity: net.activity,
      });
      ctx.onStop(parts.stop);
      const { handset, client } = parts;
      return {
        name,
        actor: client.actor,
        msisdn: credentials.msisdn,
        activate: () => client.activate(),
        deactivate: () => client.deactivate(),
        requestStatus: () => client.requestStatus(),
        send: (to, text, options) => handset.send(to, text, options),
        observe: async () => contract.deviceRecord(parts),
        radio: { actor: handset.actor, injectOverTheAir: async (sms) => handset.injectOverTheAir(sms) },
      };
    },
    () => missing("SMSC account for a handset whose number has no mailbox: the SMSC under test serves only the subscribers' numbers"),
    ctx.transcript,
  );
  return {
    device: (name) => (handsets.has(name) ? role.device(name) : missing(`handset account of "${name}" (iut.accounts.handsets)`)),
    stranger: role.stranger,
  };
});

// The SMS spoofer: a customer of the SMSC under test on an account of its own.
registerExternalRole('smsc', 'sms-spoofer', async (ctx) => {
  const { iut } = ctx;
  const net = await networkOf(ctx);
  const credentials = iut.accounts.spoofer ?? missing('SMS spoofer account (iut.accounts.spoofer: an ordinary customer account)');
  const spoofer = new SmsSpoofer({ smsc: esmeEndpoint(iut, ctx.pki.trustAnchorPem), credentials, transcript: ctx.transcript, activity: net.activity });
  await spoofer.start();
  ctx.onStop(() => spoofer.stop());
  return {
    actor: spoofer.actor,
    // the SMSC under test assigned it; the features never name it
    ownNumber: '',
    viaSmsc: async (sms) => {
      const outcome = await spoofer.viaSmsc(sms);
      net.submissions.push({ conn: 'sms-spoofer', systemId: credentials.systemId, claimedSource: sms.claimedOriginator ?? '', destination: sms.to, status: outcome.statusName, text: '' });
      return outcome;
    },
    overTheAir: (device, sms) => device.radio.injectOverTheAir(contract.transmitOverTheAir(spoofer, device.radio.actor, sms)),
  };
});
