import { Given, Then, When } from '@cucumber/cucumber';
import type { EvvmWorld } from './world';
import { clauseState } from './support/state';
import type { CpmTestClient, PskVersion } from '../harness/equipment/cpm-test-client';
import { HarnessError } from '../harness/engine/outcomes';
import * as psk from '../harness/conditions/std/psk';
import * as transport from '../harness/conditions/std/transport';
import type { ImplicitTlsPort } from '../harness/conditions/std/transport';
import { vvmTlsUp } from '../harness/conditions/vvm/imap';
import { bothTransportsNotDeclared } from '../harness/conditions/vvm/declared';
import { VvmTestClient } from '../harness/equipment/vvm-test-client';
import { mailboxCredentials, retrieveFromEvvmServerAsOffered } from '../harness/roles/authentication';

// Steps of features/std (STD-04, STD-06): glue. TLS-PSK reuses the CPM client the message-storage steps open
// (steps/message-storage.steps.ts, its clause state); the conditions (harness/conditions/std) judge.

/** GBA needs what no loopback harness has: say so, as the scenario's reason. */
const GBA_NOT_TESTABLE =
  'GBA shared-key TLS is not testable here: it needs a Bootstrapping Server Function and a UICC running GBA AKA (3GPP TS 33.220) to derive Ks_(ext)_NAF and the B-TID, which neither the harness nor an IUT on loopback has, and the TS 33.222 §5.4 profile (hint "3GPP-bootstrapping") is unverified [P]';

const cpmClient = (w: EvvmWorld): CpmTestClient => {
  const c = clauseState(w, 'message-storage', (): { cpm?: CpmTestClient } => ({})).cpm;
  if (!c) throw new HarnessError('no CPM client has connected to the Message Storage Server in this scenario');
  return c;
};
const handshake = (w: EvvmWorld, version: PskVersion): psk.PskHandshake => {
  const c = cpmClient(w);
  const tls = c.connection.client?.tlsInfo;
  return { established: c.pskSession, version, protocol: c.connection.tlsProtocol, cipher: tls?.cipher, greeting: c.connection.greeting, connectError: c.connection.connectError };
};

Then('the handshake on {pskVersion} was authenticated by the pre-shared key alone', function (this: EvvmWorld, version: PskVersion) {
  this.verify(psk.pskKeyExchange, handshake(this, version));
});
Then('the handshake on {pskVersion} established no session', function (this: EvvmWorld, version: PskVersion) {
  this.verify(psk.noPskSession, handshake(this, version));
});
// --- STD-04: implicit TLS preferred ---
const tester = (w: EvvmWorld) =>
  clauseState(w, 'std', () => ({ client: w.closing(new VvmTestClient(() => w.topology.role('evvm-server'), w.profile, w.transcript, (failed) => w.verify(vvmTlsUp, failed))), port: undefined as ImplicitTlsPort | undefined }));
When("a test client connects to the EVVM Server's implicit TLS port", async function (this: EvvmWorld) {
  tester(this).port = await tester(this).client.implicitTlsPort();
});
Then('the EVVM Server greeted it over implicit TLS', function (this: EvvmWorld) { this.verify(transport.implicitTlsOffered, tester(this).port!); });
Given('the EVVM Server declares implicit TLS and STARTTLS', function (this: EvvmWorld) { return this.ifApplicable(bothTransportsNotDeclared(this.profile)); });
When('the EVVM Client of {string} retrieves her voicemail over the transport it picks', async function (this: EvvmWorld, mailbox: string) {
  this.retrieval = await retrieveFromEvvmServerAsOffered(this.topology, mailboxCredentials(this.account(mailbox)));
});
Then('the EVVM Client used implicit TLS', function (this: EvvmWorld) { this.verify(transport.clientPrefersImplicitTls, this.retrieval!); });

Given('GBA shared-key TLS can be bootstrapped', function (this: EvvmWorld) {
  return this.notApplicable(GBA_NOT_TESTABLE);
});
