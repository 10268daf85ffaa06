/**
 * What an SMSC under test shows of its binds: whether the EVVM Server's account binds over TLS on the
 * SMPP-over-TLS port the profile names, and whether it binds in plaintext on the plain port. Compared with
 * the profile's ports and `iut.declares.tlsRequired` (EVVM-SMS-C09: the EVVM Server binds over TLS). Each
 * bind is the SMSC's answer to the account it provisioned, unbound at once.
 */
import type { Transcript } from '../../../evidence/transcript';
import { Esme } from '../../../simulators/protocol/smpp/esme';
import type { SmscIut } from '../../profile/sections/iut';
import type { Advertised } from '../../report/model';
import { capabilityName } from '../capabilities';
import { registerDeclarationObserver, type ObserverContext, type WireObservation } from '../observer';

const ACTOR = 'Declaration check';
const REQUIREMENTS = ['EVVM-SMS-C09'];

/** The SMSC's answer to a bind_transceiver with the EVVM Server's account, over TLS or not; or why there was none. */
async function bind(iut: SmscIut, transcript: Transcript, secure: boolean): Promise<{ bound: boolean; answered: boolean; seen: string }> {
  const port = secure ? iut.ports.smpps! : iut.ports.smpp!;
  const where = `${secure ? 'SMPP over TLS' : 'plain SMPP'} port ${port}`;
  let esme: Esme | undefined;
  try {
    esme = await Esme.connect({ host: iut.host, port, ...(secure ? { tls: { ca: iut.trustAnchorPem!, servername: iut.servername } } : {}), actor: ACTOR, peer: 'SMSC (IUT)', transcript, connectTimeoutMs: iut.timeoutMs, responseTimeoutMs: iut.timeoutMs });
    const outcome = await esme.bind('transceiver', iut.accounts.evvmServer);
    return { bound: outcome.statusName === 'ESME_ROK', answered: true, seen: `the EVVM Server's bind on the ${where} was answered ${outcome.statusName}` };
  } catch (err) {
    return { bound: false, answered: false, seen: `no bind on the ${where}: ${(err as Error).message}` };
  } finally {
    await (esme?.isBound ? esme.unbind() : esme?.close());
  }
}

async function observeSmsc(ctx: ObserverContext<SmscIut>): Promise<WireObservation> {
  const { iut, transcript } = ctx;
  const observed: WireObservation['observed'] = [];
  const advertised: Advertised[] = [];
  if (iut.ports.smpps !== undefined) {
    const r = await bind(iut, transcript, true);
    observed.push({ what: `the EVVM Server's bind over TLS (port ${iut.ports.smpps})`, value: r.seen });
    advertised.push({ capability: capabilityName.smppTls, field: 'iut.ports.smpps', declared: true, offered: r.bound, seen: r.seen, requirements: REQUIREMENTS });
  }
  if (iut.ports.smpp !== undefined) {
    // a port that does not answer shows nothing either way: not compared
    const r = await bind(iut, transcript, false);
    observed.push({ what: `the EVVM Server's bind in plaintext (port ${iut.ports.smpp})`, value: r.seen });
    advertised.push({ capability: capabilityName.plainBindRefused, field: 'iut.declares.tlsRequired', declared: iut.declares.tlsRequired, ...(r.answered ? { offered: !r.bound } : {}), seen: r.seen, requirements: REQUIREMENTS });
  }
  return { observed, capabilities: advertised, ...(iut.ports.smpp === undefined ? { note: 'no plain SMPP port is named (iut.ports.smpp): whether the SMSC refuses a plaintext bind was not seen' } : {}) };
}

registerDeclarationObserver('smsc', observeSmsc);
