import { Given, Then, When } from '@cucumber/cucumber';
import type { SecureVersion } from 'node:tls';
import type { EvvmWorld } from './world';
import { clauseState } from './support/state';
import { phrases } from './support/parameters';
import type { Transport } from '../harness/topology/roles';
import type { NotApplicable } from '../harness/engine/outcomes';
import { offerOnly, type TlsVersionOutcome, type VersionOffer } from '../harness/equipment/tls-version-probe';
import { standInObservations, versionOffer, type SingleVersionServer, type StandInFor, type TlsServer } from '../harness/roles/tls-versions';
import { retrieveFrom } from '../harness/roles/authentication';
import * as judge from '../harness/conditions/tls/versions';

// Steps of features/tls (STD-07, RFC 8996): test equipment offers one version to a server, or a server that
// speaks one version stands in for a genuine one; the roles find the interfaces, the conditions judge.

phrases<SecureVersion>('tlsVersion', { 'TLS 1.0': 'TLSv1', 'TLS 1.1': 'TLSv1.1', 'TLS 1.2': 'TLSv1.2', 'TLS 1.3': 'TLSv1.3' });
phrases<TlsServer>('tlsServer', {
  "EVVM Server's IMAP interface": { kind: 'imap', who: 'evvm-server' },
  'Message Storage Server': { kind: 'imap', who: 'message-storage' },
  "EVVM Server's SMTP deposit interface": { kind: 'smtp', who: 'evvm-server', iface: 'deposit' },
  "EVVM Server's Forwarding Gateway interface": { kind: 'smtp', who: 'evvm-server', iface: 'forwardingGateway' },
  "EVVM Server's Non-OMA VM interface": { kind: 'smtp', who: 'evvm-server', iface: 'nonOmaVm' },
  "EVVM Server's interface for peer EVVM Servers": { kind: 'smtp', who: 'evvm-server', iface: 'interServer' },
  'Forwarding Gateway': { kind: 'smtp', who: 'forwarding-gateway' },
  'Non-OMA VM Service': { kind: 'smtp', who: 'non-oma-vm' },
  'peer EVVM Server': { kind: 'smtp', who: 'evvm-server-peer' },
});
phrases<StandInFor>('standIn', {
  'the EVVM Server': 'evvm-server-imap', 'the Message Storage Server': 'message-storage', 'the peer EVVM Server': 'peer-evvm-server',
  "the EVVM Server's Non-OMA VM interface": 'evvm-server-smtp', 'the SMSC': 'smsc',
});

type TlsVersionState = { probe?: { version: SecureVersion; outcome: TlsVersionOutcome }; standIn?: { server: SingleVersionServer; version: SecureVersion; transport: Transport } };
const state = (w: EvvmWorld): TlsVersionState => clauseState(w, 'tls-versions', (): TlsVersionState => ({}));
const standIn = (w: EvvmWorld) => state(w).standIn!;
/** Where a client is pointed at the stand-in. */
const atStandIn = (w: EvvmWorld) => ({ ...standIn(w).server.endpoint, transport: standIn(w).transport });
/** What the stand-in saw of the client (inconclusive when it never connected). */
const saw = async (w: EvvmWorld): Promise<judge.StandInSaw> => ({ actor: standIn(w).server.actor, speaks: standIn(w).version, seen: await standInObservations(standIn(w).server) });

/** Test equipment offers only `version` where the role says the interface is; not applicable where it offers none. */
async function offer(w: EvvmWorld, version: SecureVersion, offered: VersionOffer | NotApplicable): Promise<'skipped' | undefined> {
  if ('notApplicable' in offered) return w.notApplicable(offered.notApplicable);
  state(w).probe = { version, outcome: await offerOnly(version, offered, w.transcript) };
  return undefined;
}

// --- server side ---

When('test equipment offers only {tlsVersion} to the {tlsServer} over {transport}', async function (this: EvvmWorld, version: SecureVersion, server: TlsServer, transport: Transport) {
  return offer(this, version, await versionOffer(this.topology, server, transport));
});
When('test equipment offers only {tlsVersion} to the SMSC over SMPP over TLS', async function (this: EvvmWorld, version: SecureVersion) {
  return offer(this, version, await versionOffer(this.topology, { kind: 'smpp' }, 'implicit-tls'));
});
When('test equipment offers only {tlsVersion} with the provisioned PSK to the Message Storage Server over PSK-TLS', async function (this: EvvmWorld, version: SecureVersion) {
  return offer(this, version, await versionOffer(this.topology, { kind: 'psk-tls' }, 'implicit-tls'));
});

Then('no TLS session is established and no application data is exchanged', function (this: EvvmWorld) {
  const { version, outcome } = state(this).probe!;
  for (const c of [judge.serverRefusedLegacyHandshake, judge.serverSentNoApplicationData]) this.verify(c, version, outcome);
});
Then('a TLS session is established on {tlsVersion} and the server answers in it', function (this: EvvmWorld, version: SecureVersion) {
  for (const c of [judge.serverCompletedHandshake, judge.serverAnswers]) this.verify(c, version, state(this).probe!.outcome);
});

// --- client side ---

Given('a server that speaks only {tlsVersion} stands in for {standIn} over {transport}', async function (this: EvvmWorld, version: SecureVersion, server: StandInFor, transport: Transport) {
  const stood = await (await this.topology.role('tls-version-equipment')).standIn(server, transport, version);
  if ('notApplicable' in stood) return this.notApplicable(stood.notApplicable);
  state(this).standIn = { server: stood, version, transport };
  return undefined;
});
When('the EVVM Client retrieves the voicemail of {string} from the stand-in', async function (this: EvvmWorld, mailbox: string) {
  this.retrieval = await retrieveFrom(this.topology, atStandIn(this), this.account(mailbox));
});
When('the EVVM Server stores a voicemail for {string} in the stand-in', async function (this: EvvmWorld, name: string) {
  const genuine = (await this.topology.role('message-storage')).storageTarget(name);
  await (await this.topology.role('evvm-server-storage')).depositAndStore(name, { ...genuine, endpoint: standIn(this).server.endpoint, transport: standIn(this).transport });
});
When('the Non-OMA VM Service sends a VPIM voicemail from {string} to {string} to the stand-in', async function (this: EvvmWorld, from: string, to: string) {
  await (await this.topology.role('non-oma-vm')).sendVoicemail({ from, to: this.identifier('e-mail alias', to) }, 'valid', atStandIn(this));
});
When('the EVVM Server binds to the stand-in over SMPP over TLS', async function (this: EvvmWorld) {
  const r = await (await this.topology.role('tls-version-equipment')).evvmServerBindsOverTls(standIn(this).server.endpoint);
  this.note(r.bound ? 'the EVVM Server bound to the stand-in' : `the EVVM Server did not bind: ${r.reason ?? 'no reason'}`);
});
Then('the stand-in completed no TLS handshake and received no application data', async function (this: EvvmWorld) {
  const s = await saw(this);
  for (const c of [judge.clientRefusedLegacyHandshake, judge.clientSentNoApplicationData]) this.verify(c, s);
});
Then('the stand-in completed a {tlsVersion} handshake and received application data', async function (this: EvvmWorld, version: SecureVersion) {
  const s = await saw(this);
  this.verify(judge.clientCompletedHandshake, version, s);
  this.verify(judge.clientSpeaks, s);
});
