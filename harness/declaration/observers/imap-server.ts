/**
 * What an IMAP server under test (the Message Storage Server, the EVVM Server) advertises: its greeting,
 * CAPABILITY before TLS on the STARTTLS port and after it, CAPABILITY on the implicit TLS port, the TLS
 * versions and key exchange groups it completes a handshake with, and PSK-TLS per version. Compared with
 * the profile's `capabilities.<role>` and its `policy.<role>.requireTls`.
 */
import tls from 'node:tls';
import { tlsHandshakeEvidence } from '../../../evidence/tls';
import type { Transcript } from '../../../evidence/transcript';
import { RawImapClient } from '../../../simulators/protocol/imap/client/raw-client';
import { CpmClient, type PskVersion } from '../../equipment/cpm-client';
import type { ImapServerIut } from '../../profile/sections/iut';
import type { Advertised } from '../../report/model';
import { capabilityName } from '../capabilities';
import { registerDeclarationObserver, type ObserverContext, type WireObservation } from '../observer';

const ACTOR = 'Declaration check';
const MECHANISMS = ['PLAIN', 'LOGIN', 'CRAM-MD5', 'SCRAM-SHA-256', 'EXTERNAL'] as const;
/** historic (RFC 6331): compared too, so a server that offers it undeclared is told its legacy scenarios did not run */
const LEGACY_MECHANISMS = ['DIGEST-MD5'] as const;
const VERSIONS = ['TLSv1.2', 'TLSv1.3'] as const;
/** groups a TLS 1.3 server commonly offers (RFC 8446 §4.2.7): each probed alone */
const GROUPS = ['X25519', 'P-256', 'P-384', 'X448', 'P-521'] as const;

/** The requirements whose scenarios exercise each declaration, per role. */
const REQUIREMENTS = {
  'message-storage': { sasl: ['CPM-MS-AUTH-01'], legacySasl: ['CPM-MS-AUTH-01'], loginCommand: ['CPM-MS-AUTH-02', 'CPM-MS-AUTH-03'], transport: ['CPM-MS-AUTH-05'], requireTls: ['STD-02', 'STD-03', 'CPM-MS-AUTH-01'], pskTls: ['CPM-MS-AUTH-06', 'STD-07'] },
  'evvm-server': { sasl: ['EVVM-AUTH-01', 'EVVM-AUTH-04'], legacySasl: ['VVM-02'], loginCommand: ['EVVM-AUTH-01'], transport: ['EVVM-AUTH-03'], requireTls: ['STD-02', 'STD-03'], pskTls: [] },
} as const;

const SERVER = { 'message-storage': 'Message Storage Server', 'evvm-server': 'EVVM Server' } as const;

function tlsOptions(iut: ImapServerIut): tls.ConnectionOptions {
  return {
    ca: iut.trustAnchorPem,
    servername: iut.servername,
    minVersion: 'TLSv1.2',
    ...(iut.clientCertificate ? { cert: iut.clientCertificate.chainPem, key: iut.clientCertificate.keyPem } : {}),
  };
}

/** One connection's CAPABILITY lists: before TLS and after it (STARTTLS), or on TLS from the first byte. */
async function capabilities(ctx: ObserverContext<ImapServerIut>, transport: 'implicit-tls' | 'starttls', port: number): Promise<{ greeting?: string; before?: string[]; after?: string[]; failed?: string }> {
  const { iut, transcript } = ctx;
  let client: RawImapClient | undefined;
  const out: { greeting?: string; before?: string[]; after?: string[]; failed?: string } = {};
  try {
    client = await RawImapClient.connect({ host: iut.host, port, tls: transport === 'implicit-tls' ? 'implicit' : 'none', tlsOptions: tlsOptions(iut), actor: ACTOR, peer: SERVER[iut.role], transcript, timeoutMs: iut.timeoutMs });
    out.greeting = client.greeting.raw;
    if (transport === 'implicit-tls') {
      out.after = await client.capability();
      return out;
    }
    out.before = await client.capability();
    if (!out.before.includes('STARTTLS')) return out;
    const up = await client.starttls(tlsOptions(iut));
    if (up.status !== 'OK') return { ...out, failed: `STARTTLS answered ${up.status} ${up.text}` };
    out.after = await client.capability();
    return out;
  } catch (err) {
    return { ...out, failed: (err as Error).message };
  } finally {
    client?.close();
  }
}

/** Whether a handshake on the implicit TLS port completes with only `version`, or only `group`; recorded with what it showed. */
function handshake(iut: ImapServerIut, port: number, transcript: Transcript, only: { version?: string; group?: string }): Promise<boolean> {
  const what = only.version ? `only ${only.version}` : `TLSv1.3 with only the group ${only.group}`;
  return new Promise((resolve) => {
    let s: tls.TLSSocket;
    try {
      s = tls.connect({
      host: iut.host,
      port,
      ...tlsOptions(iut),
      // what the server completes a handshake with, whoever it says it is: trust is judged by the scenarios
      rejectUnauthorized: false,
      ...(only.version ? { minVersion: only.version as tls.SecureVersion, maxVersion: only.version as tls.SecureVersion } : { minVersion: 'TLSv1.3', ecdhCurve: only.group! }),
      });
    } catch (err) {
      // this Node's OpenSSL lacks the group: not offered by the harness, so not seen either way
      transcript.record({ actor: ACTOR, channel: 'note', dir: 'event', text: `offering ${what}: not possible here (${(err as Error).message})` });
      resolve(false);
      return;
    }
    const done = (ok: boolean, text: string): void => {
      clearTimeout(timer);
      transcript.record({ actor: ACTOR, peer: SERVER[iut.role], channel: 'tls', dir: 'event', text, tls: tlsHandshakeEvidence(s, 'client', ok ? {} : { error: text }) });
      s.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false, `offering ${what}: no handshake within ${iut.timeoutMs} ms`), iut.timeoutMs);
    s.once('secureConnect', () => done(true, `offering ${what}: handshake completed (${s.getProtocol() ?? '?'})`));
    s.once('error', (e: NodeJS.ErrnoException) => done(false, `offering ${what}: refused (${e.code ?? e.message})`));
  });
}

/** Whether a PSK-TLS handshake with the provisioned identity completes on `version`. */
async function pskHandshake(iut: ImapServerIut, transcript: Transcript, version: PskVersion): Promise<{ ok: boolean; seen: string }> {
  const client = await CpmClient.open({ endpoint: { host: iut.host, port: iut.ports.pskTls!, servername: iut.servername }, transport: 'implicit-tls', psk: { ...iut.psk!, version }, transcript, actor: ACTOR, timeoutMs: iut.timeoutMs });
  try {
    return client.secure ? { ok: true, seen: `a PSK-TLS handshake on ${version} with the provisioned identity completed` } : { ok: false, seen: `a PSK-TLS handshake on ${version} with the provisioned identity did not complete (${client.connectError ?? 'no TLS session'})` };
  } finally {
    client.close();
  }
}

const shown = (caps: readonly string[] | undefined): string => (caps === undefined ? 'not seen' : caps.join(' ') || '(none)');

async function observeImapServer(ctx: ObserverContext<ImapServerIut>): Promise<WireObservation> {
  const { iut, profile, transcript } = ctx;
  const role = iut.role;
  const section = role === 'message-storage' ? 'messageStorage' : 'evvmServer';
  const declared = profile.capabilities[section];
  const policy = profile.policy[section];
  const ids = REQUIREMENTS[role];
  const observed: WireObservation['observed'] = [];
  const advertised: Advertised[] = [];
  const notes: string[] = [];

  const starttls = iut.ports.imap !== undefined ? await capabilities(ctx, 'starttls', iut.ports.imap) : undefined;
  const implicit = iut.ports.imaps !== undefined ? await capabilities(ctx, 'implicit-tls', iut.ports.imaps) : undefined;
  if (starttls) {
    observed.push({ what: `greeting on the STARTTLS port ${iut.ports.imap}`, value: starttls.greeting ?? 'none' });
    observed.push({ what: 'CAPABILITY before TLS (STARTTLS port)', value: shown(starttls.before) });
    observed.push({ what: 'CAPABILITY after STARTTLS', value: shown(starttls.after) });
    if (starttls.failed) notes.push(`STARTTLS port: ${starttls.failed}`);
  }
  if (implicit) {
    observed.push({ what: `greeting on the implicit TLS port ${iut.ports.imaps}`, value: implicit.greeting ?? 'none' });
    observed.push({ what: 'CAPABILITY on the implicit TLS port', value: shown(implicit.after) });
    if (implicit.failed) notes.push(`implicit TLS port: ${implicit.failed}`);
  }

  // transports: a port answers TLS from the first byte, or advertises STARTTLS before TLS
  if (implicit) {
    const offered = implicit.after !== undefined;
    advertised.push({ capability: capabilityName.transport('implicit-tls'), field: `capabilities.${section}.transports`, declared: declared.transports.includes('implicit-tls'), offered, seen: offered ? `port ${iut.ports.imaps} answered on TLS` : `port ${iut.ports.imaps}: ${implicit.failed ?? 'no session'}`, requirements: [...ids.transport] });
  }
  if (starttls?.before) {
    const offered = starttls.before.includes('STARTTLS');
    advertised.push({ capability: capabilityName.transport('starttls'), field: `capabilities.${section}.transports`, declared: declared.transports.includes('starttls'), offered, seen: `CAPABILITY before TLS on port ${iut.ports.imap}: ${shown(starttls.before)}`, requirements: [...ids.transport] });
  }

  // after TLS: what a client that authenticated the server may use
  const afterTls = implicit?.after ?? starttls?.after;
  const where = implicit?.after ? 'CAPABILITY on the implicit TLS port' : 'CAPABILITY after STARTTLS';
  if (afterTls) {
    const mechanisms = [...MECHANISMS.map((m) => ({ m, requirements: ids.sasl })), ...LEGACY_MECHANISMS.map((m) => ({ m, requirements: ids.legacySasl }))];
    for (const { m, requirements } of mechanisms) {
      advertised.push({ capability: capabilityName.sasl(m), field: `capabilities.${section}.sasl`, declared: declared.sasl.includes(m), offered: afterTls.includes(`AUTH=${m}`), seen: `${where}: ${shown(afterTls)}`, requirements: [...requirements] });
    }
    advertised.push({ capability: capabilityName.loginCommand, field: `capabilities.${section}.loginCommand`, declared: declared.loginCommand, offered: !afterTls.includes('LOGINDISABLED'), seen: `${where}: ${shown(afterTls)}`, requirements: [...ids.loginCommand] });
  } else {
    notes.push('no CAPABILITY after TLS was seen: the SASL mechanisms and the LOGIN command were not compared');
  }

  // the policy's TLS requirement, as advertised before TLS (RFC 2595 §3.2, RFC 9051 §6.2.3)
  if (policy.requireTls && starttls?.before) {
    const before = `CAPABILITY before TLS on port ${iut.ports.imap}: ${shown(starttls.before)}`;
    advertised.push({ capability: 'LOGINDISABLED before TLS', field: `policy.${section}.requireTls`, declared: true, offered: starttls.before.includes('LOGINDISABLED'), seen: before, requirements: [...ids.requireTls] });
    const exposed = starttls.before.filter((c) => c === 'AUTH=PLAIN' || c === 'AUTH=LOGIN');
    advertised.push({ capability: 'no password mechanism before TLS', field: `policy.${section}.requireTls`, declared: true, offered: exposed.length === 0, seen: before, requirements: [...ids.requireTls] });
  }

  // TLS versions and key exchange groups: recorded as seen (the profile declares none; STD-07 judges the versions)
  if (iut.ports.imaps !== undefined) {
    const versions: string[] = [];
    for (const v of VERSIONS) if (await handshake(iut, iut.ports.imaps, transcript, { version: v })) versions.push(v);
    observed.push({ what: 'TLS versions a handshake completes with (implicit TLS port)', value: versions.join(', ') || 'none' });
    if (versions.includes('TLSv1.3')) {
      const groups: string[] = [];
      for (const g of GROUPS) if (await handshake(iut, iut.ports.imaps, transcript, { group: g })) groups.push(g);
      observed.push({ what: 'key exchange groups on TLSv1.3 (implicit TLS port)', value: groups.join(', ') || 'none' });
    }
  }

  // PSK-TLS (the Message Storage Server's): a handshake per version with the provisioned identity
  if (role === 'message-storage') {
    const pskDeclared = profile.capabilities.messageStorage.pskTls;
    for (const v of VERSIONS) {
      const base = { capability: capabilityName.pskTls(v), field: 'capabilities.messageStorage.pskTls', declared: pskDeclared.includes(v), requirements: [...ids.pskTls] };
      if (!iut.psk || iut.ports.pskTls === undefined) {
        if (base.declared) advertised.push({ ...base, seen: 'not probed: the profile names no PSK identity (iut.psk)' });
        continue;
      }
      const r = await pskHandshake(iut, transcript, v);
      advertised.push({ ...base, offered: r.ok, seen: r.seen });
    }
  }
  return { observed, capabilities: advertised, ...(notes.length > 0 ? { note: notes.join('; ') } : {}) };
}

registerDeclarationObserver('message-storage', observeImapServer);
registerDeclarationObserver('evvm-server', observeImapServer);
