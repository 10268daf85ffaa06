/**
 * STD-07 (RFC 8996: TLS 1.0 and TLS 1.1 MUST NOT be used), judged by the outcome on the wire: whether a
 * handshake completed, with which version, and whether application data crossed it. Server side: what the
 * test equipment that offered one version saw. Client side: what a server that speaks one version saw of
 * the client pointed at it.
 */
import type { SecureVersion } from 'node:tls';
import type { SingleVersionTlsObservations } from '../../equipment/single-version-tls-server';
import type { TlsVersionOutcome } from '../../equipment/tls-version-probe';
import { isLegacyTlsVersion } from '../../../simulators/crypto/tls-versions';
import { condition, judged, type Judgement } from '../condition';

const STD_07 = ['STD-07'];

// --- a server, offered one version by test equipment ---

const offered = (version: SecureVersion, o: TlsVersionOutcome) =>
  ({ offered: version, handshake: o.handshake, protocol: o.protocol ?? null, applicationBytes: o.applicationBytes, reason: o.reason ?? null });
const fromServer = (o: TlsVersionOutcome): string => `${o.applicationBytes} byte(s) of application data from the server`;

export const serverRefusedLegacyHandshake = condition('legacy-handshake-refused', STD_07, (version: SecureVersion, o: TlsVersionOutcome) =>
  judged(!o.handshake, `no TLS session on ${version}`, `a ${o.protocol} handshake completed (${o.cipher})`, offered(version, o)),
);

export const serverSentNoApplicationData = condition('no-application-data', STD_07, (version: SecureVersion, o: TlsVersionOutcome) =>
  judged(o.applicationBytes === 0, fromServer(o), fromServer(o), offered(version, o)),
);

export const serverCompletedHandshake = condition('handshake-completed', STD_07, (version: SecureVersion, o: TlsVersionOutcome): Judgement => ({
  ok: o.handshake && o.protocol === version,
  message: o.handshake ? `completed on ${o.protocol}` : `no TLS session on ${version} (${o.reason ?? 'no reason'})`,
  evidence: offered(version, o),
}));

export const serverAnswers = condition('server-answers', STD_07, (version: SecureVersion, o: TlsVersionOutcome) =>
  judged(o.applicationBytes > 0, fromServer(o), fromServer(o), offered(version, o)),
);

// --- a client, facing a server that speaks one version ---

/** What the stand-in saw, and who it was. */
export interface StandInSaw {
  actor: string;
  speaks: SecureVersion;
  seen: SingleVersionTlsObservations;
}

const standIn = (s: StandInSaw) => ({ standIn: s.actor, speaks: s.speaks, connections: s.seen.connections, handshakes: s.seen.handshakes, applicationBytes: s.seen.applicationBytes });
const fromClient = (s: StandInSaw): string => `${s.seen.applicationBytes} byte(s) of application data from the client`;

export const clientRefusedLegacyHandshake = condition('legacy-handshake-refused', STD_07, (s: StandInSaw) => {
  const legacy = s.seen.handshakes.filter((h) => isLegacyTlsVersion(h.protocol));
  const completed = `the client completed ${legacy.map((h) => h.protocol).join(', ')} handshake(s)`;
  return judged(legacy.length === 0, `the client completed no handshake with a server that speaks only ${s.speaks}`, completed, standIn(s));
});

export const clientSentNoApplicationData = condition('no-application-data', STD_07, (s: StandInSaw) => judged(s.seen.applicationBytes === 0, fromClient(s), fromClient(s), standIn(s)));

export const clientCompletedHandshake = condition('handshake-completed', STD_07, (version: SecureVersion, s: StandInSaw) => {
  const shown = s.seen.handshakes.length ? `completed on ${s.seen.handshakes.map((h) => h.protocol).join(', ')}` : 'no handshake completed';
  return judged(s.seen.handshakes.some((h) => h.protocol === version), shown, shown, standIn(s));
});

export const clientSpeaks = condition('client-speaks', STD_07, (s: StandInSaw) => judged(s.seen.applicationBytes > 0, fromClient(s), fromClient(s), standIn(s)));
