import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { MessageStorageServer } from '../../simulators/message-storage/message-storage-server';
import { isKnownFault } from '../../simulators/faults';
import { EVVM_SERVER_PSK_IDENTITY, MESSAGE_STORAGE_NAME, messageStorageConfig, mssCredentials, subscribeUser, type MssAccount } from '../roles/message-storage';
import { ControlError } from '../control/control-server';
import { parseBody } from './body';
import { ImapIutProfile } from './imap-iut-profile';
import { registerSimulatedRole } from './registry';

const FaultBody = z.object({ fault: z.string(), on: z.boolean().default(true) });
const SubscribeBody = z.object({ name: z.string().regex(/^[a-z][a-z0-9-]{0,30}$/) });

/** How an account appears in the ready line: what a profile's iut.accounts entry names (docs/certifying.md). */
function shown(a: MssAccount, preconfigured: boolean) {
  return { name: a.name, username: a.username, password: a.password, tuiPin: a.tuiPin, sipUri: a.sip?.uri, sipPassword: a.sip?.password, preconfigured, messageId: a.marker };
}

/**
 * `simulate message-storage`: the CPM Message Storage Server on its own, for standalone use and as an
 * external IUT (tests/external). Two users, dave and erin, are subscribed at start the CPM way, so that a
 * profile can name their pre-configured passwords; POST /subscribe subscribes more (out of band).
 */
registerSimulatedRole('message-storage', async (ctx) => {
  const server = new MessageStorageServer(messageStorageConfig({ pki: ctx.pki, profile: ctx.profile, accounts: ctx.accounts, faults: ctx.faults, host: ctx.host }));
  const ports = await server.start();
  const creds = mssCredentials(ctx.accounts);
  const subscribed = ['dave', 'erin'].map((name) => subscribeUser(server, name));
  const endpoints: Record<string, string> = {};
  if (ports.imaps !== undefined) endpoints.imaps = `${ctx.host}:${ports.imaps}`;
  if (ports.imap !== undefined) endpoints.imap = `${ctx.host}:${ports.imap}`;
  const trust: Record<string, string> = {
    ca: path.join(ctx.pkiDir, 'ca.pem'),
    // alice's device certificate: accepted for TLS, and mapped to alice for SASL EXTERNAL
    clientCert: path.join(ctx.pkiDir, 'evvm-client.crt'),
    clientKey: path.join(ctx.pkiDir, 'evvm-client.key'),
    servername: MESSAGE_STORAGE_NAME,
  };
  if (ctx.profile.capabilities.messageStorage.pskTls.length > 0) {
    const file = path.join(ctx.pkiDir, 'message-storage.psk');
    await writeFile(file, creds.psk.toString('hex') + '\n', { mode: 0o600 });
    Object.assign(trust, { pskIdentity: EVVM_SERVER_PSK_IDENTITY, pskKeyHex: file });
  }
  return {
    endpoints,
    trust,
    accounts: [...creds.accounts.map((a) => shown(a, false)), ...subscribed.map((a) => shown(a, true))],
    routes: {
      'GET /observations': () => {
        const o = server.observations();
        return { authentications: o.authentications, connections: o.connections.map((c) => ({ ...c, clientBytes: c.clientBytes.toString('base64'), pipelinedAfterStartTls: c.pipelinedAfterStartTls?.toString('base64') })) };
      },
      'POST /faults': (b) => {
        const { fault, on } = parseBody(FaultBody, b);
        if (!isKnownFault(fault) || !fault.startsWith('message-storage:')) throw new ControlError(`unknown Message Storage Server fault "${fault}"`);
        server.setFault(fault, on);
      },
      // the CPM system's subscription: the answer is the client configuration, handed over out of band
      'POST /subscribe': (b) => shown(subscribeUser(server, parseBody(SubscribeBody, b).name), true),
    },
    // this simulator as the Message Storage Server under test: what it declares, and the accounts it serves
    iutProfile: () => {
      const p = new ImapIutProfile(ctx);
      const pskTls = ctx.profile.capabilities.messageStorage.pskTls.length > 0;
      const accounts = [...creds.accounts.map((a) => ({ a, preconfigured: false })), ...subscribed.map((a) => ({ a, preconfigured: true }))].map(({ a, preconfigured }) => ({
        name: a.name,
        username: a.username,
        passwordEnv: p.secret(a.name, 'PASSWORD', a.password),
        ...(a.tuiPin !== undefined ? { tuiPinEnv: p.secret(a.name, 'TUI_PIN', a.tuiPin) } : {}),
        ...(a.sip ? { sipUri: a.sip.uri, sipPasswordEnv: p.secret(a.name, 'SIP_PASSWORD', a.sip.password) } : {}),
        preconfigured,
        ...(a.marker ? { messageId: a.marker } : {}),
      }));
      return {
        policy: { messageStorage: ctx.profile.policy.messageStorage },
        capabilities: { messageStorage: p.declares(ctx.profile.capabilities.messageStorage, ports) },
        iut: {
          ...p.endpoint('message-storage', MESSAGE_STORAGE_NAME, ports),
          ...(pskTls ? { psk: { identity: EVVM_SERVER_PSK_IDENTITY, keyEnv: p.secret('psk', 'KEY', creds.psk.toString('hex')) } } : {}),
          accounts,
        },
        env: p.env,
      };
    },
    stop: () => server.stop(),
  };
});
