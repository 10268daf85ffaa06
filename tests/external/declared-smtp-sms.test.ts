/**
 * The declaration of an SMTP, SMSC or ESME implementation under test checked against the wire
 * (harness/declaration), on real third-party peers: Debian's Postfix as a Forwarding Gateway, an SMSC and an
 * EVVM Server ESME built only on the pinned smpp library (tests/external/smpp-peer.ts, esme-peer.ts). Declared
 * as it is, each gets no finding and every declared capability is compared; declared falsely (a transport it
 * does not offer, client certificates it does not require; TLS-only binds it does not enforce; an ESME
 * binding in plaintext where the policy says TLS), each falsehood is a finding naming
 * the requirement it concerns. Postfix needs root (its master drops to the postfix user): skipped otherwise.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import { checkDeclaration } from '../../harness/declaration/observer';
import { loadProfile } from '../../harness/profile/profile';
import { loadIut } from '../../harness/profile/sections/iut';
import type { DeclarationCheck } from '../../harness/report/model';
import type { TestPki } from '../../simulators/crypto/pki/types';
import { dovecotWorkspace } from './dovecot';
import { freePort } from './ports';
import { POSTFIX, startGatewayPostfix, type RunningPostfix } from './postfix';
import { startThirdPartyEsme } from './esme-peer';
import { startThirdPartySmsc, type PeerAccount } from './smpp-peer';

const POSTFIX_SKIP = !POSTFIX ? 'postfix is not installed (apt-get install postfix)' : process.getuid?.() === 0 ? false : 'postfix must be started as root for this test';

let dir = '';
let pkiDir = '';
let pki: TestPki;
let remove: (() => Promise<void>) | undefined;
const postfixes = new Map<'required' | 'not required', RunningPostfix>();

before(async () => {
  ({ dir, pki, pkiDir, remove } = await dovecotWorkspace('evvm-declared-smtp-'));
  if (POSTFIX_SKIP) return;
  for (const config of ['required', 'not required'] as const) {
    await mkdir(path.join(dir, config.replace(' ', '-')), { recursive: true });
    postfixes.set(config, await startGatewayPostfix(pki, { dir: path.join(dir, config.replace(' ', '-')), requireClientCert: config === 'required', forwardTo: await freePort() }));
  }
});

after(async () => {
  for (const p of postfixes.values()) await p.stop();
  await remove?.();
});

/** Writes the profile, resolves its iut section as `run --profile` does, and checks the declaration. */
async function check(name: string, iut: Record<string, unknown>, policy: Record<string, unknown> = {}): Promise<DeclarationCheck> {
  const file = path.join(dir, `${name}.yaml`);
  await writeFile(file, stringify({ name, policy, iut }));
  const profile = loadProfile(file);
  return checkDeclaration(profile, loadIut(profile, file));
}

function gateway(port: number, declares: Record<string, unknown>, ports: Record<string, number> = { smtp: port }): Record<string, unknown> {
  const p = (f: string): string => path.join(pkiDir, f);
  return {
    role: 'forwarding-gateway',
    host: '127.0.0.1',
    servername: 'forwarding-gateway.op.example',
    ports,
    trustAnchor: p('ca.pem'),
    clientCertificate: { cert: p('evvm-server-client.crt'), key: p('evvm-server-client.key') },
    declares,
    forwardsTo: { port: 9 },
  };
}

const findings = (d: DeclarationCheck): string[] => d.findings.map((f) => `${f.kind} ${f.capability} ${f.requirements.join(',')}`);
const compared = (d: DeclarationCheck): string[] => d.capabilities.filter((c) => c.offered !== undefined).map((c) => c.capability);

test('Postfix declared as it is (STARTTLS, client certificates required, its relay domain): no finding, each declaration compared', { skip: POSTFIX_SKIP }, async () => {
  const d = await check('postfix-as-is', gateway(postfixes.get('required')!.port, { transports: ['starttls'], clientCertificates: 'required', relayDomains: ['mail.example'] }));
  assert.equal(d.note, undefined, JSON.stringify(d));
  assert.deepEqual(findings(d), [], JSON.stringify(d.findings));
  assert.deepEqual(compared(d), ['STARTTLS', 'a client certificate required', 'relaying for mail.example']);
  assert.ok(d.observed.some((o) => o.what === 'EHLO before TLS (STARTTLS port)' && /STARTTLS/.test(o.value)), JSON.stringify(d.observed));
  assert.ok(d.observed.some((o) => /no client certificate/.test(o.what) && /^refused/.test(o.value)), JSON.stringify(d.observed));
});

test('Postfix declared with implicit TLS it does not offer: a finding on EVVM-AUTH-06', { skip: POSTFIX_SKIP }, async () => {
  const port = postfixes.get('required')!.port;
  // its STARTTLS port named as an implicit TLS port too: no TLS from the first byte there
  const d = await check('postfix-false', gateway(port, { transports: ['starttls', 'implicit-tls'], clientCertificates: 'required', relayDomains: ['mail.example'] }, { smtp: port, smtps: port }));
  assert.deepEqual(findings(d), ['declared-not-offered implicit TLS EVVM-AUTH-06'], JSON.stringify(d.findings));
  assert.match(d.findings[0]!.message, new RegExp(`port ${port}: TLS handshake failed`));
});

test('Postfix that takes senders with no client certificate, declared as requiring them: a finding on EVVM-AUTH-06; declared optional: none', { skip: POSTFIX_SKIP }, async () => {
  const port = postfixes.get('not required')!.port;
  const required = await check('postfix-optional-declared-required', gateway(port, { transports: ['starttls'], clientCertificates: 'required', relayDomains: ['mail.example'] }));
  assert.deepEqual(findings(required), ['declared-not-offered a client certificate required EVVM-AUTH-06'], JSON.stringify(required.findings));
  assert.match(required.findings[0]!.message, /iut\.declares\.clientCertificates.*no client certificate got EHLO answered on TLS/);
  const optional = await check('postfix-optional-declared-optional', gateway(port, { transports: ['starttls'], clientCertificates: 'optional', relayDomains: ['mail.example'] }));
  assert.deepEqual(findings(optional), [], JSON.stringify(optional.findings));
  assert.ok(compared(optional).includes('a client certificate required'));
});

/** The third party's EVVM Server account on the short code, and a handset, for the SMSC declaration. */
const ACCOUNTS: PeerAccount[] = [
  { systemId: 'vvm-platform', password: 'Vvm-pw01', address: '94183', ton: 3 },
  { systemId: 'hs-alice', password: 'Alice-p1', address: '15550001', ton: 1 },
];

async function smscCheck(name: string, ports: { smpp: number; smpps: number }, declares: Record<string, unknown>): Promise<DeclarationCheck> {
  const ca = path.join(dir, 'smsc-ca.pem');
  await writeFile(ca, pki.trustAnchorPem);
  return check(name, { role: 'smsc', host: '127.0.0.1', servername: 'smsc.op.example', ports, trustAnchor: ca, accounts: { evvmServer: { systemId: 'vvm-platform', password: 'Vvm-pw01' } }, declares, timeoutMs: 3000 });
}

test('an SMSC (smpp 0.5.1) binding the EVVM Server over TLS and in plaintext: declared so, no finding; declared TLS-only, a finding on EVVM-SMS-C09', async () => {
  const leaf = pki.leaf('smsc');
  const peer = await startThirdPartySmsc({ accounts: ACCOUNTS, tls: { key: leaf.keyPem, cert: leaf.chainPem } });
  try {
    const asIs = await smscCheck('smsc-as-is', peer.ports, { tlsRequired: false });
    assert.deepEqual(findings(asIs), [], JSON.stringify(asIs.findings));
    assert.deepEqual(compared(asIs), ['SMPP over TLS', 'no plaintext bind for the EVVM Server']);
    const tlsOnly = await smscCheck('smsc-tls-only', peer.ports, { tlsRequired: true });
    assert.deepEqual(findings(tlsOnly), ['declared-not-offered no plaintext bind for the EVVM Server EVVM-SMS-C09'], JSON.stringify(tlsOnly.findings));
    assert.match(tlsOnly.findings[0]!.message, /iut\.declares\.tlsRequired.*plain SMPP port \d+ was answered ESME_ROK/);
    // its plain port named as the TLS port: no bind over TLS there
    const noTls = await smscCheck('smsc-no-tls', { smpp: peer.ports.smpp, smpps: peer.ports.smpp }, { tlsRequired: false });
    assert.deepEqual(findings(noTls), ['declared-not-offered SMPP over TLS EVVM-SMS-C09'], JSON.stringify(noTls.findings));
    // no password of the profile in what the check recorded
    assert.doesNotMatch(JSON.stringify([asIs, tlsOnly, noTls]), /Vvm-pw01/);
  } finally {
    await peer.stop();
  }
});

/** The third-party ESME made to bind by curl to its control endpoint; the policy says whether SMPP must run over TLS. */
async function esmeCheck(name: string, plainBind: boolean, smppTls: boolean): Promise<DeclarationCheck> {
  const peer = await startThirdPartyEsme({ subscribers: {}, port: 5499, plainBind });
  try {
    const body = JSON.stringify({ event: '{event}', smppPort: '{smppPort}', smppsPort: '{smppsPort}', servername: '{servername}', trustAnchor: '{trustAnchor}', systemId: '{systemId}', password: '{password}' });
    const command = ['curl', '-sS', '--fail', '--max-time', '10', '-H', 'content-type: application/json', '--data-binary', body, peer.control];
    return await check(name, { role: 'evvm-server-sms', implementation: 'smpp 0.5.1 as a VVM platform', bind: { systemId: 'acme-vvm', password: 'Esm3-pw!' }, trigger: { command }, timeoutMs: 10_000 }, { sms: { smppTls } });
  } finally {
    await peer.stop();
  }
}

test('an ESME (smpp 0.5.1) binding over TLS: no finding; binding in plaintext where the policy says TLS, a finding on EVVM-SMS-C09; in plaintext where it does not, none', { timeout: 120_000 }, async () => {
  const overTls = await esmeCheck('esme-tls', false, true);
  assert.deepEqual(findings(overTls), [], JSON.stringify(overTls));
  assert.deepEqual(compared(overTls), ['SMPP over TLS']);
  assert.match(overTls.observed[0]!.value, /bound as acme-vvm over TLS/);
  const plain = await esmeCheck('esme-plain', true, true);
  assert.deepEqual(findings(plain), ['declared-not-offered SMPP over TLS EVVM-SMS-C09'], JSON.stringify(plain.findings));
  assert.match(plain.findings[0]!.message, /policy\.sms\.smppTls.*in plaintext/);
  const plainAllowed = await esmeCheck('esme-plain-allowed', true, false);
  assert.deepEqual(findings(plainAllowed), [], JSON.stringify(plainAllowed.findings));
  assert.doesNotMatch(JSON.stringify([overTls, plain, plainAllowed]), /Esm3-pw!/);
});
