import { defineParameterType, Given, Then, When } from '@cucumber/cucumber';
import type { SecureVersion } from 'node:tls';
import type { EvvmWorld } from './world';
import { clauseState } from './support/state';
import type { Endpoint, Transport } from '../harness/topology/roles';
import { InconclusiveError } from '../harness/engine/outcomes';
import { probeTlsVersion, type TlsApplication, type TlsVersionOutcome } from '../harness/equipment/tls-version-probe';
import type { SingleVersionServer, StandInFor } from '../harness/topology/embedded/tls-versions';
import { PEER } from '../harness/roles/interworking';
import type { SmtpInterface } from '../simulators/evvm-server/interworking/interworking';
import { isLegacyTlsVersion } from '../simulators/crypto/tls-versions';

// Steps of features/tls (STD-07, RFC 8996: TLS 1.0 and TLS 1.1 MUST NOT be used). Server side: test
// equipment offers exactly one version to a TLS interface. Client side: a server that speaks exactly one
// version stands where the genuine server should be. What decides is the outcome on the wire: whether a
// handshake completed, with which version, and whether application data crossed it.

const VERSIONS: Record<string, SecureVersion> = { 'TLS 1.0': 'TLSv1', 'TLS 1.1': 'TLSv1.1', 'TLS 1.2': 'TLSv1.2', 'TLS 1.3': 'TLSv1.3' };
defineParameterType({ name: 'tlsVersion', regexp: /TLS 1\.[0-3]/, transformer: (s: string): SecureVersion => VERSIONS[s]! });

/** A TLS server interface, in the spec's words, and where the harness finds it. */
type TlsServer = { kind: 'imap'; who: 'evvm-server' | 'message-storage' } | { kind: 'smtp'; who: 'evvm-server'; iface: SmtpInterface } | { kind: 'smtp'; who: 'forwarding-gateway' | 'non-oma-vm' | 'evvm-server-peer' };
const TLS_SERVERS: Record<string, TlsServer> = {
  "EVVM Server's IMAP interface": { kind: 'imap', who: 'evvm-server' },
  'Message Storage Server': { kind: 'imap', who: 'message-storage' },
  "EVVM Server's SMTP deposit interface": { kind: 'smtp', who: 'evvm-server', iface: 'deposit' },
  "EVVM Server's Forwarding Gateway interface": { kind: 'smtp', who: 'evvm-server', iface: 'forwardingGateway' },
  "EVVM Server's Non-OMA VM interface": { kind: 'smtp', who: 'evvm-server', iface: 'nonOmaVm' },
  "EVVM Server's interface for peer EVVM Servers": { kind: 'smtp', who: 'evvm-server', iface: 'interServer' },
  'Forwarding Gateway': { kind: 'smtp', who: 'forwarding-gateway' },
  'Non-OMA VM Service': { kind: 'smtp', who: 'non-oma-vm' },
  'peer EVVM Server': { kind: 'smtp', who: 'evvm-server-peer' },
};
defineParameterType({
  name: 'tlsServer',
  // longest names first, so that "EVVM Server's …" is not read as a shorter name
  regexp: new RegExp(Object.keys(TLS_SERVERS).sort((a, b) => b.length - a.length).map((k) => k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')),
  transformer: (s: string): TlsServer => TLS_SERVERS[s]!,
});

const STAND_INS: Record<string, StandInFor> = {
  'the EVVM Server': 'evvm-server-imap',
  'the Message Storage Server': 'message-storage',
  'the peer EVVM Server': 'peer-evvm-server',
  "the EVVM Server's Non-OMA VM interface": 'evvm-server-smtp',
  'the SMSC': 'smsc',
};
defineParameterType({
  name: 'standIn',
  regexp: new RegExp(Object.keys(STAND_INS).sort((a, b) => b.length - a.length).map((k) => k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')),
  transformer: (s: string): StandInFor => STAND_INS[s]!,
});

interface TlsVersionState {
  probe?: { version: SecureVersion; outcome: TlsVersionOutcome };
  standIn?: { server: SingleVersionServer; version: SecureVersion; transport: Transport };
}
const state = (w: EvvmWorld): TlsVersionState => clauseState(w, 'tls-versions', (): TlsVersionState => ({}));

async function offer(w: EvvmWorld, version: SecureVersion, target: Endpoint | undefined, what: string, how: { application: TlsApplication; upgrade: 'implicit' | 'starttls'; psk?: { identity: string; key: Buffer }; certificate?: { chainPem: string; keyPem: string } }): Promise<void> {
  if (!target) throw new InconclusiveError(`${what} offers no such endpoint`);
  if (how.psk) w.transcript.secret(how.psk.key);
  const outcome = await probeTlsVersion({ target, version, transcript: w.transcript, ...how });
  if (!outcome.reached) throw new InconclusiveError(`${what} at ${target.host}:${target.port} could not be brought to a TLS handshake (${outcome.reason ?? 'no reason'}): nothing was decided`);
  state(w).probe = { version, outcome };
}

// --- server side ---

When('test equipment offers only {tlsVersion} to the {tlsServer} over {transport}', async function (this: EvvmWorld, version: SecureVersion, server: TlsServer, transport: Transport) {
  const upgrade = transport === 'starttls' ? 'starttls' : 'implicit';
  if (server.kind === 'imap') {
    if (server.who === 'evvm-server') {
      const endpoint = (await this.topology.evvmServer()).endpoint(transport);
      if (!endpoint) return this.notApplicable(`the EVVM Server offers no ${transport} endpoint`);
      const certificate = this.topology.clientCredential('valid');
      return offer(this, version, endpoint, 'the EVVM Server', { application: 'imap', upgrade, ...(certificate ? { certificate } : {}) });
    }
    const store = await this.topology.role('message-storage');
    const endpoint = store.endpoint(transport);
    if (!endpoint) return this.notApplicable(`the Message Storage Server declares no ${transport} endpoint`);
    const certificate = store.clientCredential('valid');
    return offer(this, version, endpoint, store.actor, { application: 'imap', upgrade, ...(certificate ? { certificate } : {}) });
  }
  const smtpTransport = transport === 'starttls' ? 'starttls' : 'implicit-tls';
  const endpoint =
    server.who === 'evvm-server'
      ? (await this.topology.role('evvm-server-smtp')).endpoint(server.iface, smtpTransport)
      : (await this.topology.role(server.who)).endpoint(smtpTransport);
  if (!endpoint) return this.notApplicable(`the ${server.who} offers no SMTP ${transport} endpoint`);
  return offer(this, version, endpoint, server.who, { application: 'smtp', upgrade });
});

When('test equipment offers only {tlsVersion} to the SMSC over SMPP over TLS', async function (this: EvvmWorld, version: SecureVersion) {
  const smsc = await this.topology.role('smsc');
  const endpoint = smsc.endpoint('tls');
  if (!endpoint) return this.notApplicable('the SMSC offers no SMPP over TLS');
  return offer(this, version, { host: endpoint.host, port: endpoint.port, servername: endpoint.servername ?? '' }, smsc.actor, { application: 'smpp', upgrade: 'implicit' });
});

When('test equipment offers only {tlsVersion} with the provisioned PSK to the Message Storage Server over PSK-TLS', async function (this: EvvmWorld, version: SecureVersion) {
  const store = await this.topology.role('message-storage');
  const psk = store.psk();
  if (!psk) throw new InconclusiveError('the Message Storage Server has no provisioned PSK-TLS identity');
  return offer(this, version, store.pskEndpoint(), `${store.actor} (PSK-TLS)`, { application: 'imap', upgrade: 'implicit', psk: { identity: psk.identity, key: psk.key } });
});

Then('no TLS session is established and no application data is exchanged', function (this: EvvmWorld) {
  const { version, outcome } = state(this).probe!;
  const evidence = { offered: version, handshake: outcome.handshake, protocol: outcome.protocol ?? null, applicationBytes: outcome.applicationBytes, reason: outcome.reason ?? null };
  this.check('legacy-handshake-refused', !outcome.handshake, outcome.handshake ? `a ${outcome.protocol} handshake completed (${outcome.cipher})` : `no TLS session on ${version}`, evidence);
  this.check('no-application-data', outcome.applicationBytes === 0, `${outcome.applicationBytes} byte(s) of application data from the server`, evidence);
});

Then('a TLS session is established on {tlsVersion} and the server answers in it', function (this: EvvmWorld, version: SecureVersion) {
  const { outcome } = state(this).probe!;
  const evidence = { offered: version, handshake: outcome.handshake, protocol: outcome.protocol ?? null, applicationBytes: outcome.applicationBytes, reason: outcome.reason ?? null };
  this.check('handshake-completed', outcome.handshake && outcome.protocol === version, outcome.handshake ? `completed on ${outcome.protocol}` : `no TLS session on ${version} (${outcome.reason ?? 'no reason'})`, evidence);
  this.check('server-answers', outcome.applicationBytes > 0, `${outcome.applicationBytes} byte(s) of application data from the server`, evidence);
});

// --- client side ---

Given('a server that speaks only {tlsVersion} stands in for {standIn} over {transport}', async function (this: EvvmWorld, version: SecureVersion, standIn: StandInFor, transport: Transport) {
  // the implementations under test are servers: every client here would be one of the harness's simulators
  if (this.topology.kind === 'external') return this.notApplicable('the clients facing a stand-in are the harness\'s own simulators; the server under test plays no part');
  // the stand-in listens in the harness's process, which the containers' private network cannot reach
  if (this.topology.kind === 'containers') return this.notApplicable('the containers topology has no single-version stand-in on the run\'s network; the embedded topology judges these clients');
  const server = await (await this.topology.role('tls-version-equipment')).standIn(standIn, transport === 'starttls' ? 'starttls' : 'implicit', version);
  state(this).standIn = { server, version, transport };
  if (standIn === 'peer-evvm-server') await (await this.topology.role('evvm-server-smtp')).route('interServer', { ...server.endpoint, transport: transport === 'starttls' ? 'starttls' : 'implicit-tls' }, PEER.domain);
});

When('the EVVM Client retrieves the voicemail of {string} from the stand-in', async function (this: EvvmWorld, mailbox: string) {
  const s = state(this).standIn!;
  this.retrieval = await this.retrieveFrom(s.server.endpoint, s.transport, mailbox);
});

When('the EVVM Server stores a voicemail for {string} in the stand-in', async function (this: EvvmWorld, name: string) {
  const s = state(this).standIn!;
  const genuine = (await this.topology.role('message-storage')).storageTarget(name);
  await (await this.topology.role('evvm-server-storage')).depositAndStore(name, { ...genuine, endpoint: s.server.endpoint, transport: s.transport });
});

When('the Non-OMA VM Service sends a VPIM voicemail from {string} to {string} to the stand-in', async function (this: EvvmWorld, from: string, to: string) {
  const s = state(this).standIn!;
  const target = { ...s.server.endpoint, transport: s.transport === 'starttls' ? ('starttls' as const) : ('implicit-tls' as const) };
  await (await this.topology.role('non-oma-vm')).sendVoicemail({ from, to: this.identifier('e-mail alias', to) }, 'valid', target);
});

When('the EVVM Server binds to the stand-in over SMPP over TLS', async function (this: EvvmWorld) {
  const s = state(this).standIn!;
  const r = await (await this.topology.role('tls-version-equipment')).evvmServerBindsOverTls(s.server.endpoint);
  this.note(r.bound ? 'the EVVM Server bound to the stand-in' : `the EVVM Server did not bind: ${r.reason ?? 'no reason'}`);
});

async function standInSaw(w: EvvmWorld) {
  const s = state(w).standIn!;
  const seen = await s.server.observations();
  if (seen.connections === 0) throw new InconclusiveError(`the client never connected to the ${s.server.actor}: nothing was decided`);
  return { s, seen, evidence: { standIn: s.server.actor, speaks: s.version, connections: seen.connections, handshakes: seen.handshakes, applicationBytes: seen.applicationBytes } };
}

Then('the stand-in completed no TLS handshake and received no application data', async function (this: EvvmWorld) {
  const { s, seen, evidence } = await standInSaw(this);
  const legacy = seen.handshakes.filter((h) => isLegacyTlsVersion(h.protocol));
  this.check('legacy-handshake-refused', legacy.length === 0, legacy.length ? `the client completed ${legacy.map((h) => h.protocol).join(', ')} handshake(s)` : `the client completed no handshake with a server that speaks only ${s.version}`, evidence);
  this.check('no-application-data', seen.applicationBytes === 0, `${seen.applicationBytes} byte(s) of application data from the client`, evidence);
});

Then('the stand-in completed a {tlsVersion} handshake and received application data', async function (this: EvvmWorld, version: SecureVersion) {
  const { seen, evidence } = await standInSaw(this);
  this.check('handshake-completed', seen.handshakes.some((h) => h.protocol === version), seen.handshakes.length ? `completed on ${seen.handshakes.map((h) => h.protocol).join(', ')}` : 'no handshake completed', evidence);
  this.check('client-speaks', seen.applicationBytes > 0, `${seen.applicationBytes} byte(s) of application data from the client`, evidence);
});
