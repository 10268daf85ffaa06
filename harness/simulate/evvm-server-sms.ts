import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { nullSink } from '../../evidence/transcript';
import { EvvmServer } from '../../simulators/evvm-server/evvm-server';
import { EvvmServerSms } from '../../simulators/evvm-server/notifications/sms-interface';
import { Activity } from '../../simulators/protocol/smpp/activity';
import { ControlError } from '../control/control-server';
import { evvmServerConfig } from '../roles/authentication';
import { evvmServerSmsOptions, voicemailDepositor } from '../roles/sms';
import { EVVM_SERVER_NAME } from '../topology/embedded';
import { parseBody } from './body';
import { registerSimulatedRole } from './registry';

/** What a profile's trigger command posts (every placeholder as a string): bind to that SMSC, or a voicemail was left for msisdn. */
const TriggerBody = z.object({
  event: z.enum(['bind', 'deposit']),
  smppPort: z.string(),
  smppsPort: z.string(),
  servername: z.string(),
  trustAnchor: z.string(),
  systemId: z.string(),
  password: z.string(),
  msisdn: z.string(),
});

/** The JSON body of POST /trigger, in a profile's trigger command: the harness fills the placeholders per event. */
const TRIGGER_BODY = JSON.stringify(Object.fromEntries(Object.keys(TriggerBody.shape).map((k) => [k, `{${k}}`])));

/**
 * `simulate evvm-server-sms`: the EVVM Server with its SMS interface, an ESME that binds to whatever SMSC
 * its control API names (POST /trigger, event bind) and notifies a deposit (event deposit), so it can stand
 * in for a vendor's ESME under test (--profile-out). Its STATUS names its own IMAP service.
 */
registerSimulatedRole('evvm-server-sms', async (ctx) => {
  const server = new EvvmServer(evvmServerConfig({ pki: ctx.pki, profile: ctx.profile, accounts: ctx.accounts, faults: ctx.faults, host: ctx.host }));
  const ports = await server.start();
  const ipt = ports.imaps ?? ports.imap!;
  const deposit = voicemailDepositor(server);
  let sms: EvvmServerSms | undefined;
  const bind = randomBytes(6).toString('base64url');
  return {
    endpoints: { ...(ports.imaps !== undefined ? { imaps: `${ctx.host}:${ports.imaps}` } : {}), ...(ports.imap !== undefined ? { imap: `${ctx.host}:${ports.imap}` } : {}) },
    routes: {
      'POST /trigger': async (b) => {
        const t = parseBody(TriggerBody, b);
        if (t.event === 'bind') {
          await sms?.stop();
          const port = (p: string) => (p === '' ? undefined : Number(p));
          sms = new EvvmServerSms(
            evvmServerSmsOptions({
              server,
              smsc: { host: '127.0.0.1', ports: { smpp: port(t.smppPort), smpps: port(t.smppsPort) }, ca: await readFile(t.trustAnchor, 'utf8'), servername: t.servername },
              credentials: { systemId: t.systemId, password: t.password },
              imap: { srv: EVVM_SERVER_NAME, ipt },
              accounts: ctx.accounts,
              profile: ctx.profile,
              faults: ctx.faults,
              transcript: nullSink,
              activity: new Activity(),
            }),
          );
          await sms.start();
          return { bound: true };
        }
        const account = ctx.accounts.find((a) => a.identifiers.MSISDN === `tel:${t.msisdn}`);
        if (!account) throw new ControlError(`no mailbox has the MSISDN ${t.msisdn}`);
        return deposit(account);
      },
    },
    accounts: ctx.accounts.map((a) => ({ name: a.name, msisdn: a.identifiers.MSISDN, password: a.password, blocked: a.blocked })),
    // our own ESME as the IUT: the harness triggers it through this control API, with curl
    iutProfile: (control) => {
      const env: Record<string, string> = { EVVM_SERVER_SMS_BIND_PASSWORD: bind };
      const subscribers = ctx.accounts.filter((a) => !a.blocked).map((a) => {
        const name = `EVVM_SERVER_SMS_${a.name.toUpperCase()}_PASSWORD`;
        env[name] = a.password;
        return { name: a.name, passwordEnv: name };
      });
      return {
        iut: {
          role: 'evvm-server-sms',
          implementation: `evvm-conformance simulate evvm-server-sms${ctx.faults.length ? ` with ${ctx.faults.join(', ')}` : ''}`,
          bind: { systemId: 'evvm-server', passwordEnv: 'EVVM_SERVER_SMS_BIND_PASSWORD' },
          trigger: { command: ['curl', '-sS', '--fail', '--max-time', '15', '-H', 'content-type: application/json', '--data-binary', TRIGGER_BODY, `${control}/trigger`] },
          subscribers,
        },
        env,
      };
    },
    stop: async () => {
      await sms?.stop();
      await server.stop();
    },
  };
});
