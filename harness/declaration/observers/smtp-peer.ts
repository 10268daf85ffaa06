/**
 * What an SMTP server under test (the Forwarding Gateway, the Non-OMA VM Service, a peer EVVM Server, the
 * EVVM Server's interworking interfaces) advertises: its EHLO before TLS on the STARTTLS port and after it,
 * its greeting on the implicit TLS port, whether it takes a TLS session from a sender with no client
 * certificate, and whether it accepts a recipient in each relay domain it declares. Compared with the
 * profile's `iut.declares`; the AUTH mechanisms before and after TLS are recorded as seen (none is declared).
 */
import type { Transcript } from '../../../evidence/transcript';
import { ehlo, extension, mail, quit, rcpt, SmtpConnection, starttls, type EhloReply } from '../../../simulators/protocol/smtp/client';
import type { TlsCredential } from '../../../simulators/protocol/smtp/types';
import type { IutOf } from '../../profile/sections/iut';
import type { Advertised } from '../../report/model';
import { HOME, PEER } from '../../roles/interworking';
import { capabilityName } from '../capabilities';
import { registerDeclarationObserver, type ObserverContext, type WireObservation } from '../observer';

const ACTOR = 'Declaration check';
const EHLO_NAME = 'declaration-check.harness.example';

type SmtpRole = 'forwarding-gateway' | 'non-oma-vm' | 'evvm-server-peer' | 'evvm-server-interworking';
type SmtpIut = IutOf<SmtpRole>;

/** The requirements whose scenarios exercise each declaration, per role: the link the IUT's SMTP service serves. */
const REQUIREMENTS: Readonly<Record<SmtpRole, { link: readonly string[]; relay: readonly string[] }>> = {
  'forwarding-gateway': { link: ['EVVM-AUTH-06'], relay: ['EVVM-AUTH-06'] },
  'non-oma-vm': { link: ['EVVM-AUTH-07'], relay: ['EVVM-AUTH-07', 'EVVM-IW-C02'] },
  'evvm-server-peer': { link: ['EVVM-AUTH-08'], relay: ['EVVM-AUTH-08', 'EVVM-IW-C01'] },
  'evvm-server-interworking': { link: ['EVVM-AUTH-06', 'EVVM-AUTH-07', 'EVVM-AUTH-08'], relay: ['EVVM-IW-C04'] },
};

/** The domain the harness's party on the IUT's link sends from: the peer EVVM Server facing an interworking interface, else the EVVM Server. */
const senderDomain = (role: SmtpRole): string => (role === 'evvm-server-interworking' ? PEER.domain : HOME.domain);

/** The mailbox a relay domain is probed with: one the scenarios deliver to (an EVVM Server takes mail only for its subscribers). */
const probedMailbox = (role: SmtpRole): string => (role === 'evvm-server-peer' ? PEER.mailbox : role === 'evvm-server-interworking' ? 'alice' : 'postmaster');

/** One SMTP session as far as it went: the greeting, EHLO before TLS and after it, and where it stopped. */
interface Session {
  greeting?: string;
  before?: EhloReply;
  after?: EhloReply;
  failed?: string;
  connection?: SmtpConnection;
}

/**
 * Opens a session on `port` (STARTTLS, or TLS from the first byte) with `credential` as the client
 * certificate, or none. The connection is left open for the caller (to probe recipients), or closed when
 * the session went no further than `failed` says.
 */
async function session(iut: SmtpIut, transcript: Transcript, transport: 'starttls' | 'implicit-tls', port: number, credential: TlsCredential | undefined): Promise<Session> {
  const out: Session = {};
  let c: SmtpConnection | undefined;
  try {
    c = await SmtpConnection.open({ actor: ACTOR, peer: `${iut.role} (IUT)`, endpoint: { host: iut.host, port, servername: iut.servername, transport }, tls: { trustAnchors: iut.trustAnchorPem, ...(credential ? { credential } : {}) }, transcript, timeoutMs: iut.timeoutMs });
    const greeting = await c.reply();
    if (greeting.code !== 220) return { failed: `greeting: ${greeting.code || ''} ${greeting.text}`.trim() };
    out.greeting = `${greeting.code} ${greeting.text}`;
    const first = await ehlo(c, EHLO_NAME);
    if (first.code !== 250) return { ...out, failed: `EHLO answered ${first.code || ''} ${first.text}`.trim() };
    if (transport === 'implicit-tls') out.after = first;
    else {
      out.before = first;
      if (extension(first, 'STARTTLS') === undefined) return { ...out, connection: c };
      const up = await starttls(c);
      if (up.code !== 220) return { ...out, failed: `STARTTLS answered ${up.code || ''} ${up.text}`.trim() };
      const second = await ehlo(c, EHLO_NAME);
      if (second.code !== 250) return { ...out, failed: `EHLO after STARTTLS answered ${second.code || ''} ${second.text}`.trim() };
      out.after = second;
    }
    const kept = c;
    c = undefined;
    return { ...out, connection: kept };
  } catch (err) {
    return { ...out, failed: (err as Error).message };
  } finally {
    c?.close();
  }
}

/** Whether `recipient` is accepted in this session from `sender` (then RSET: nothing is sent). */
async function acceptsRecipient(c: SmtpConnection, sender: string, recipient: string): Promise<{ ok: boolean; seen: string }> {
  const from = await mail(c, sender);
  if (from.code !== 250) return { ok: false, seen: `MAIL FROM:<${sender}> answered ${from.code || ''} ${from.text}` };
  const to = await rcpt(c, recipient);
  await c.command('RSET');
  return { ok: to.code === 250 || to.code === 251, seen: `RCPT TO:<${recipient}> answered ${to.code || ''} ${to.text}` };
}

const shown = (r: EhloReply | undefined): string => (r === undefined ? 'not seen' : r.extensions.join(' | ') || '(no extensions)');
const auth = (r: EhloReply | undefined): string => (r === undefined ? 'not seen' : (extension(r, 'AUTH') ?? ['(none)']).join(' ') || '(none)');

async function observeSmtpPeer(ctx: ObserverContext<SmtpIut>): Promise<WireObservation> {
  const { iut, transcript } = ctx;
  const ids = REQUIREMENTS[iut.role];
  const declares = iut.declares;
  const observed: WireObservation['observed'] = [];
  const advertised: Advertised[] = [];
  const notes: string[] = [];
  // the certificate the IUT accepts from the harness, so that a required certificate does not hide the rest
  const credential = iut.clientCertificate;
  const end = async (s: Session): Promise<void> => void (s.connection && (await quit(s.connection)));

  const plain = iut.ports.smtp !== undefined ? await session(iut, transcript, 'starttls', iut.ports.smtp, credential) : undefined;
  const implicit = iut.ports.smtps !== undefined ? await session(iut, transcript, 'implicit-tls', iut.ports.smtps, credential) : undefined;
  if (plain) {
    const seen: Array<[string, string]> = [[`greeting on the STARTTLS port ${iut.ports.smtp}`, plain.greeting ?? 'none'], ['EHLO before TLS (STARTTLS port)', shown(plain.before)], ['AUTH before TLS', auth(plain.before)], ['EHLO after STARTTLS', shown(plain.after)]];
    observed.push(...seen.map(([what, value]) => ({ what, value })));
    if (plain.failed) notes.push(`STARTTLS port: ${plain.failed}`);
  }
  if (implicit) {
    observed.push({ what: `greeting on the implicit TLS port ${iut.ports.smtps}`, value: implicit.greeting ?? 'none' }, { what: 'EHLO on the implicit TLS port', value: shown(implicit.after) });
    if (implicit.failed) notes.push(`implicit TLS port: ${implicit.failed}`);
  }
  const afterTls = implicit?.after ? implicit : plain?.after ? plain : undefined;
  observed.push({ what: 'AUTH after TLS', value: auth(afterTls?.after) });

  // transports: a port answers TLS from the first byte, or lists STARTTLS in its EHLO before TLS
  if (implicit) {
    const offered = implicit.after !== undefined;
    advertised.push({ capability: capabilityName.transport('implicit-tls'), field: 'iut.declares.transports', declared: declares.transports.includes('implicit-tls'), offered, seen: offered ? `port ${iut.ports.smtps} answered EHLO on TLS` : `port ${iut.ports.smtps}: ${implicit.failed ?? 'no session'}`, requirements: [...ids.link] });
  }
  if (plain?.before) {
    advertised.push({ capability: capabilityName.transport('starttls'), field: 'iut.declares.transports', declared: declares.transports.includes('starttls'), offered: extension(plain.before, 'STARTTLS') !== undefined, seen: `EHLO before TLS on port ${iut.ports.smtp}: ${shown(plain.before)}`, requirements: [...ids.link] });
  }

  // a client certificate required: a session with no certificate gets no EHLO answer on TLS
  if (afterTls) {
    const port = afterTls === implicit ? iut.ports.smtps! : iut.ports.smtp!;
    const anonymous = await session(iut, transcript, afterTls === implicit ? 'implicit-tls' : 'starttls', port, undefined);
    await end(anonymous);
    const taken = anonymous.after !== undefined;
    observed.push({ what: `a TLS session with no client certificate (port ${port})`, value: taken ? 'taken: EHLO answered on TLS' : `refused: ${anonymous.failed ?? 'no session'}` });
    advertised.push({ capability: capabilityName.clientCertificateRequired, field: 'iut.declares.clientCertificates', declared: declares.clientCertificates === 'required', offered: !taken, seen: taken ? `a sender with no client certificate got EHLO answered on TLS on port ${port}` : `a sender with no client certificate got no session on port ${port} (${anonymous.failed ?? 'no EHLO answer on TLS'})`, requirements: [...ids.link] });
  } else {
    notes.push('no EHLO on TLS was seen: the client certificate requirement and the relay domains were not compared');
  }

  // the relay domains: a recipient in each is accepted from the sender the IUT takes mail from
  if (afterTls?.connection) {
    for (const domain of declares.relayDomains) {
      const r = await acceptsRecipient(afterTls.connection, `postmaster@${senderDomain(iut.role)}`, `${probedMailbox(iut.role)}@${domain}`);
      advertised.push({ capability: capabilityName.relayDomain(domain), field: 'iut.declares.relayDomains', declared: true, offered: r.ok, seen: r.seen, requirements: [...ids.relay] });
    }
  }
  if (plain) await end(plain);
  if (implicit) await end(implicit);
  return { observed, capabilities: advertised, ...(notes.length > 0 ? { note: notes.join('; ') } : {}) };
}

registerDeclarationObserver('forwarding-gateway', observeSmtpPeer);
registerDeclarationObserver('non-oma-vm', observeSmtpPeer);
registerDeclarationObserver('evvm-server-peer', observeSmtpPeer);
registerDeclarationObserver('evvm-server-interworking', observeSmtpPeer);
