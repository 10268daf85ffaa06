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
import { Activity } from '../../../simulators/protocol/smpp/activity';
import type { SmscAccountOptions } from '../../../simulators/protocol/vvm-sms/smsc-account';
import { HarnessError } from '../../engine/outcomes';
import { TestEsme } from '../../equipment/test-esme';
import * as contract from '../../roles/sms';
import { simulatorOf } from '../embedded/authentication';
import { missing } from '../external';
import { registerExternalRole, type ExternalContext } from '../registry';
import { settleThenWait, smsDevices, smsSpoofer } from './sms-network';

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
    // deliveries by the SMSC under test are not the harness's to track: they get the time the profile allows
    settled: () => settleThenWait(net.activity, iut.deliveryMs),
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
  return contract.evvmServerSmsRole(sms, server, ctx.profile.policy.sms.shortCode);
});

// The subscribers' handsets, each bound with the account the SMSC routes its MSISDN to.
registerExternalRole('smsc', 'evvm-client-sms', async (ctx) => {
  const { iut } = ctx;
  const net = await networkOf(ctx);
  const handsets = new Map<string, contract.HandsetCredentials>();
  for (const [name, a] of iut.accounts.handsets) handsets.set(name, { systemId: a.systemId, password: a.password, msisdn: ctx.topology.account(name).identifiers.MSISDN });
  const role = await smsDevices(ctx, {
    smsc: esmeEndpoint(iut, ctx.pki.trustAnchorPem),
    handsets,
    activity: net.activity,
    addAccount: () => missing("SMSC account for a handset whose number has no mailbox: the SMSC under test serves only the subscribers' numbers"),
  });
  return { device: (name) => (handsets.has(name) ? role.device(name) : missing(`handset account of "${name}" (iut.accounts.handsets)`)), stranger: role.stranger };
});

// The SMS spoofer: a customer of the SMSC under test on an account of its own.
registerExternalRole('smsc', 'sms-spoofer', async (ctx) => {
  const { iut } = ctx;
  const net = await networkOf(ctx);
  const credentials = iut.accounts.spoofer ?? missing('SMS spoofer account (iut.accounts.spoofer: an ordinary customer account)');
  const spoofer = await smsSpoofer(ctx, { smsc: esmeEndpoint(iut, ctx.pki.trustAnchorPem), credentials, activity: net.activity });
  return {
    ...spoofer,
    viaSmsc: async (sms) => {
      const outcome = await spoofer.viaSmsc(sms);
      net.submissions.push({ conn: 'sms-spoofer', systemId: credentials.systemId, claimedSource: sms.claimedOriginator ?? '', destination: sms.to, status: outcome.statusName, text: '' });
      return outcome;
    },
  };
});
