/**
 * The driven EVVM Server, EVVM Client and IMAP adversaries (rogue server, STARTTLS stripper): what the
 * container topology's core roles (harness/topology/containers/core.ts) call. Endpoints in requests and
 * answers are as seen on the private network; ports in answers are the container's published ones.
 */
import { z } from 'zod';
import { EvvmServer } from '../../../simulators/evvm-server/evvm-server';
import { EvvmClient } from '../../../simulators/evvm-client/evvm-client';
import { StarttlsStripper } from '../../../simulators/adversaries/starttls-stripper';
import { CERTIFICATE_FLAWS } from '../../../simulators/crypto/pki';
import { evvmServerConfig, rogueImapServer } from '../../topology/embedded';
import { ControlError } from '../../control/control-server';
import { parseBody } from '../body';
import { registerDrivenRoutes, type Scope } from './host';

const Endpoint = z.object({ host: z.string(), port: z.number().int().positive(), servername: z.string() });
const Target = Endpoint.extend({ transport: z.enum(['implicit-tls', 'starttls']) });
const Credentials = z.object({ username: z.string(), password: z.string() });

/** Publishes an IMAP server's ports ({ imaps, imap }) on the container's fixed ports. */
export async function publishedImap(scope: Scope, ports: { imaps?: number; imap?: number }): Promise<{ imaps?: number; imap?: number }> {
  return {
    ...(ports.imaps !== undefined ? { imaps: await scope.expose(ports.imaps) } : {}),
    ...(ports.imap !== undefined ? { imap: await scope.expose(ports.imap) } : {}),
  };
}

/** The scenario's EVVM Server (other clauses add interfaces to the same instance). */
export function drivenEvvmServer(scope: Scope): Promise<{ server: EvvmServer; ports: { imaps?: number; imap?: number } }> {
  return scope.once('evvm-server', async () => {
    const { pki, profile, accounts } = scope.run;
    const server = new EvvmServer(evvmServerConfig({ pki, profile, accounts, faults: scope.faults, transcript: scope.transcript }));
    const ports = await server.start();
    scope.onEnd(() => server.stop());
    return { server, ports: await publishedImap(scope, ports) };
  });
}

registerDrivenRoutes('evvm-server', (scope) => ({
  'POST /evvm-server/start': async () => {
    const { server, ports } = await drivenEvvmServer(scope());
    return { actor: server.actor, ports };
  },
  'GET /evvm-server/observations': async () => (await drivenEvvmServer(scope())).server.observations(),
}));

registerDrivenRoutes('evvm-client', (scope) => ({
  'POST /evvm-client/retrieve': async (b) => {
    const { target, account } = parseBody(z.object({ target: Target, account: Credentials }), b);
    const s = scope();
    const cert = s.run.pki.leaf('evvm-client');
    const client = new EvvmClient({ trustAnchorPem: s.run.pki.trustAnchorPem, certificate: { chainPem: cert.chainPem, keyPem: cert.keyPem }, faults: s.faultsOf('evvm-client'), transcript: s.transcript });
    return client.retrieveVoicemail(target, account);
  },
}));

// The adversaries of one scenario, by id: what each one captured is asked for at the end (POST /captured).
const captures = new WeakMap<Scope, Map<string, () => Buffer>>();

export function capture(scope: Scope, clientBytes: () => Buffer): string {
  let m = captures.get(scope);
  if (!m) captures.set(scope, (m = new Map()));
  const id = String(m.size + 1);
  m.set(id, clientBytes);
  return id;
}

registerDrivenRoutes('adversaries', (scope) => ({
  'POST /rogue-imap/start': async (b) => {
    const { flaw } = parseBody(z.object({ flaw: z.enum(CERTIFICATE_FLAWS as [string, ...string[]]) }), b);
    const s = scope();
    const rogue = rogueImapServer(s.run.pki, s.run.accounts, flaw as (typeof CERTIFICATE_FLAWS)[number], s.transcript);
    const ports = await rogue.start();
    s.onEnd(() => rogue.stop());
    const id = capture(s, () => Buffer.concat(rogue.observations().connections.map((c) => c.clientBytes)));
    return { id, actor: rogue.actor, ports: await publishedImap(s, ports) };
  },
  'POST /starttls-stripper/start': async (b) => {
    const { upstream, stripLoginDisabled } = parseBody(z.object({ upstream: Endpoint, stripLoginDisabled: z.boolean() }), b);
    const s = scope();
    const mitm = new StarttlsStripper({ upstream, stripLoginDisabled, actor: 'Man in the Middle', transcript: s.transcript });
    const port = await mitm.start();
    s.onEnd(() => mitm.stop());
    return { id: capture(s, () => mitm.clientBytes()), actor: mitm.actor, port: await s.expose(port) };
  },
  'POST /captured': (b) => {
    const { id } = parseBody(z.object({ id: z.string() }), b);
    const get = captures.get(scope())?.get(id);
    if (!get) throw new ControlError(`no adversary "${id}" in this scenario`);
    return { clientBytes: get() };
  },
}));
