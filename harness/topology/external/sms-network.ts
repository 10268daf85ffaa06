/**
 * The harness's own parts of an SMS network whose SMSC or EVVM Server is a vendor's (external/smsc.ts,
 * external/evvm-server-sms.ts): the subscribers' devices and the SMS spoofer, bound to whichever SMSC the
 * scenario uses, and the wait for a path that has a part the harness cannot watch.
 */
import { SmsSpoofer } from '../../../simulators/adversaries/sms-spoofer';
import type { Activity } from '../../../simulators/protocol/smpp/activity';
import { loopbackResolver } from '../../../simulators/evvm-client/sms/vvm-sms-client';
import { EvvmClient, type ClientAccount, type EvvmClientOptions, type Retrieval, type ServerTarget } from '../../../simulators/evvm-client/evvm-client';
import type { EvvmServerRole } from '../../roles/authentication';
import type { SmscAccountOptions } from '../../../simulators/protocol/vvm-sms/smsc-account';
import type { SmscAccountSpec } from '../../../simulators/smsc';
import { HarnessError } from '../../engine/outcomes';
import * as contract from '../../roles/sms';
import type { ExternalContext } from '../registry';

/**
 * Nothing of the harness's in flight, then `ms` for the vendor's part (which the harness cannot track)
 * to act on what it was handed, then quiet again.
 */
export async function settleThenWait(activity: Activity, ms: number): Promise<void> {
  try {
    await activity.idle(contract.SETTLE_MS);
    await new Promise((resolve) => setTimeout(resolve, ms));
    await activity.idle(contract.SETTLE_MS);
  } catch (err) {
    throw new HarnessError((err as Error).message);
  }
}

/**
 * A device's IMAP engine whose every connection goes to the harness's EVVM Server on the transport asked
 * for, whatever port a STATUS named: the EVVM Server under test names its own IMAP server, which the
 * harness plays. The name the server must prove is unchanged: the STATUS's srv.
 */
class ToHarnessImap extends EvvmClient {
  constructor(
    options: EvvmClientOptions,
    private readonly imap: EvvmServerRole,
  ) {
    super(options);
  }

  override async retrieveVoicemail(target: ServerTarget, account: ClientAccount): Promise<Retrieval> {
    const at = this.imap.endpoint(target.transport);
    if (!at) return { connected: false, serverAuthenticated: false, loggedIn: false, voicemails: [], error: `the harness's EVVM Server offers no ${target.transport} endpoint` };
    return super.retrieveVoicemail({ ...target, host: at.host, port: at.port }, account);
  }
}

/**
 * The subscribers' devices, each bound to `smsc` with its handset's account; `acted` hears of every SMS a
 * device sends; `imapToHarness`: their IMAP goes to the harness's EVVM Server whatever port a STATUS names.
 */
export async function smsDevices(
  ctx: ExternalContext,
  a: { smsc: SmscAccountOptions['smsc']; handsets: Map<string, contract.HandsetCredentials>; activity: Activity; addAccount: (account: SmscAccountSpec) => Promise<void> | void; acted?: () => void; imapToHarness?: boolean },
): Promise<contract.EvvmClientSmsRole> {
  const imap = await ctx.topology.evvmServer();
  const server = contract.provisionedServer(imap);
  const acted = a.acted ?? (() => undefined);
  return contract.clientSmsRole(
    a.handsets,
    async (name, credentials) => {
      const parts = await contract.startDevice({
        name,
        credentials,
        account: ctx.accounts.find((x) => x.name === name),
        smsc: a.smsc,
        server,
        resolve: loopbackResolver,
        ...(a.imapToHarness ? { imap: (o: EvvmClientOptions) => new ToHarnessImap(o, imap) } : {}),
        pki: ctx.pki,
        profile: ctx.profile,
        faults: ctx.faults,
        transcript: ctx.transcript,
        activity: a.activity,
      });
      ctx.onStop(parts.stop);
      const { handset, client } = parts;
      const sending = <T>(send: () => Promise<T>): Promise<T> => {
        acted();
        return send();
      };
      return {
        name,
        actor: client.actor,
        msisdn: credentials.msisdn,
        activate: () => sending(() => client.activate()),
        deactivate: () => sending(() => client.deactivate()),
        requestStatus: () => sending(() => client.requestStatus()),
        send: (to, text, options) => sending(() => handset.send(to, text, options)),
        observe: async () => contract.deviceRecord(parts),
        radio: { actor: handset.actor, injectOverTheAir: async (sms) => handset.injectOverTheAir(sms) },
      };
    },
    a.addAccount,
    ctx.transcript,
  );
}

/** The SMS spoofer, bound to `smsc` with its own customer account. */
export async function smsSpoofer(ctx: ExternalContext, a: { smsc: SmscAccountOptions['smsc']; credentials: contract.SmppCredentials; activity: Activity }): Promise<contract.SmsSpooferRole> {
  const spoofer = new SmsSpoofer({ smsc: a.smsc, credentials: a.credentials, transcript: ctx.transcript, activity: a.activity });
  await spoofer.start();
  ctx.onStop(() => spoofer.stop());
  return {
    actor: spoofer.actor,
    ownNumber: contract.SPOOFER_NUMBER,
    viaSmsc: (sms) => spoofer.viaSmsc(sms),
    overTheAir: (device, sms) => device.radio.injectOverTheAir(contract.transmitOverTheAir(spoofer, device.radio.actor, sms)),
  };
}
