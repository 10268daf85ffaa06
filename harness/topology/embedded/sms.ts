/**
 * The SMS roles (harness/roles/sms.ts) in process: the SMSC on 127.0.0.1, the EVVM Server's SMS interface
 * around the embedded EVVM Server, the subscribers' devices and the SMS spoofer, all on one Activity.
 */
import { loopbackResolver } from '../../../simulators/evvm-client/sms/vvm-sms-client';
import { EvvmServerSms } from '../../../simulators/evvm-server/notifications/sms-interface';
import { SmsSpoofer } from '../../../simulators/adversaries/sms-spoofer';
import { Activity } from '../../../simulators/protocol/smpp/activity';
import { Smsc } from '../../../simulators/smsc';
import { HarnessError } from '../../engine/outcomes';
import * as contract from '../../roles/sms';
import { EVVM_SERVER_NAME } from '../embedded';
import { registerEmbeddedRole, type EmbeddedContext } from '../registry';

const HOST = '127.0.0.1';

interface SmsNetwork {
  activity: Activity;
  smsc: Smsc;
  ports: contract.SmscPorts;
  credentials: contract.SmsCredentials;
}

const networks = contract.smsNetworks<SmsNetwork>();

function smppPort(net: SmsNetwork): { host: string; port: number } {
  return { host: HOST, port: networks.smppPort(net) };
}

registerEmbeddedRole('smsc', async (ctx) => {
  const activity = new Activity();
  const credentials = contract.smsCredentials(ctx.accounts, ctx.transcript);
  const smsc = new Smsc(contract.smscOptions({ pki: ctx.pki, accounts: contract.smscAccounts(credentials, ctx.profile.policy.sms), faults: ctx.faults, transcript: ctx.transcript, activity }));
  const ports = await smsc.start();
  ctx.onStop(() => smsc.stop());
  networks.set(ctx.topology, { activity, smsc, ports, credentials });
  const settled = async (): Promise<void> => {
    try {
      await activity.idle(contract.SETTLE_MS);
    } catch (err) {
      throw new HarnessError((err as Error).message);
    }
  };
  return contract.smscRole({ actor: smsc.actor, ports, at: (port) => ({ host: HOST, port }), credentials, ctx, observations: async () => smsc.observations(), settled });
});

registerEmbeddedRole('evvm-server-sms', async (ctx) => {
  const net = await networks.of(ctx);
  const server = await ctx.evvmServer();
  const imap = await ctx.topology.evvmServer();
  const advertised = contract.provisionedImap((t) => imap.endpoint(t));
  if (!advertised) throw new HarnessError('the EVVM Server offers no IMAP endpoint a STATUS could name');
  const sms = new EvvmServerSms(
    contract.evvmServerSmsOptions({
      server,
      smsc: { host: HOST, ports: net.ports, ca: ctx.pki.trustAnchorPem },
      credentials: net.credentials.evvmServer,
      imap: { srv: advertised.endpoint.servername, ipt: advertised.endpoint.port },
      accounts: ctx.accounts,
      profile: ctx.profile,
      faults: ctx.faults,
      transcript: ctx.transcript,
      activity: net.activity,
    }),
  );
  await sms.start();
  ctx.onStop(() => sms.stop());
  return contract.evvmServerSmsRole(sms, server, ctx.profile.policy.sms.shortCode);
});

registerEmbeddedRole('evvm-client-sms', async (ctx) => {
  const net = await networks.of(ctx);
  const server = contract.provisionedServer(await ctx.topology.evvmServer());
  return contract.clientSmsRole(
    net.credentials.handsets,
    async (name, credentials) => {
      const parts = await contract.startDevice({
        name,
        credentials,
        account: ctx.accounts.find((a) => a.name === name),
        smsc: smppPort(net),
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
    (account) => net.smsc.addAccount(account),
    ctx.transcript,
  );
});

registerEmbeddedRole('sms-spoofer', async (ctx) => {
  const net = await networks.of(ctx);
  const spoofer = new SmsSpoofer({ smsc: smppPort(net), credentials: net.credentials.spoofer, transcript: ctx.transcript, activity: net.activity });
  await spoofer.start();
  ctx.onStop(() => spoofer.stop());
  return {
    actor: spoofer.actor,
    ownNumber: contract.SPOOFER_NUMBER,
    viaSmsc: (sms) => spoofer.viaSmsc(sms),
    overTheAir: (device, sms) => device.radio.injectOverTheAir(contract.transmitOverTheAir(spoofer, device.radio.actor, sms)),
  };
});

/**
 * STD-07: the EVVM Server's SMS interface binds over TLS to an endpoint that is not the run's SMSC (test
 * equipment that speaks one TLS version); whether the bind completed, and why not.
 */
export async function evvmServerBindsOverTls(ctx: EmbeddedContext, smsc: { host: string; port: number }): Promise<{ bound: boolean; reason?: string }> {
  const sms = new EvvmServerSms(
    contract.evvmServerSmsOptions({
      server: await ctx.evvmServer(),
      smsc: { host: smsc.host, ports: { smpps: smsc.port }, ca: ctx.pki.trustAnchorPem },
      credentials: contract.smsCredentials(ctx.accounts, ctx.transcript).evvmServer,
      imap: { srv: EVVM_SERVER_NAME, ipt: 993 },
      accounts: ctx.accounts,
      profile: ctx.profile,
      faults: ctx.faults,
      transcript: ctx.transcript,
      activity: new Activity(),
    }),
  );
  try {
    await sms.start();
    return { bound: true };
  } catch (err) {
    return { bound: false, reason: (err as Error).message };
  } finally {
    await sms.stop();
  }
}
