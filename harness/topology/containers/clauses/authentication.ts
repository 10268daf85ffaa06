/**
 * The authentication roles (harness/roles/authentication.ts) in containers: the EVVM Server runs in the
 * evvm-server container (one per scenario, which the other clauses add their interfaces to), the EVVM
 * Client in the evvm-client container, the rogue IMAP server and the STARTTLS stripper in the adversaries
 * container. The harness reaches their IMAP ports through published tunnels; endpoints the containers
 * connect to are translated to the run's network. Both sides of each route are here.
 */
import { StarttlsStripper } from '../../../../simulators/adversaries/starttls-stripper';
import { AUTHENTICATION_ROUTES as R, EVVM_SERVER_NAME, evvmClientCredential, evvmClientFor, observationsOf, rogueImapServer, unprovenDigestServer, type CapturingServer } from '../../../roles/authentication';
import { capture, captured, drivenEvvmServer, publishedImap } from '../../../simulate/driven/core';
import { serve } from '../../../simulate/driven/host';
import { registerContainerRole, type ContainersContext } from '../../registry';
import type { Endpoint, Transport } from '../../roles';
import type { OfferedTargets } from '../../../../simulators/evvm-client/evvm-client';

registerContainerRole('evvm-server', async (ctx) => {
  const { actor, ports } = await ctx.call(R.startServer, {});
  return {
    actor,
    trustAnchorPem: ctx.pki.trustAnchorPem,
    endpoint: (t: Transport) => {
      const p = t === 'implicit-tls' ? ports.imaps : ports.imap;
      return p === undefined ? undefined : { ...ctx.published('evvm-server', p), servername: EVVM_SERVER_NAME };
    },
    observations: () => ctx.call(R.observations, {}),
    clientCredential: (kind) => evvmClientCredential(ctx.pki, kind),
  };
});

registerContainerRole('evvm-client', async (ctx) => ({
  actor: 'EVVM Client',
  retrieveVoicemail: (target, account) => ctx.call(R.retrieve, { target: ctx.onNetwork(target), account }),
  syncVoicemailBox: (target, account) => ctx.call(R.sync, { target: ctx.onNetwork(target), account }),
  retrieveFromOffered: (offered, account) => {
    const onNetwork: OfferedTargets = {};
    for (const t of ['implicit-tls', 'starttls'] as const) if (offered[t]) onNetwork[t] = ctx.onNetwork(offered[t]!);
    return ctx.call(R.retrieveOffered, { offered: onNetwork, account });
  },
}));

/** An adversary in the adversaries container, as the harness reaches it. */
function capturing(ctx: ContainersContext, r: { id: string; actor: string }, endpoint: (t: Transport) => Omit<Endpoint, 'servername'>): CapturingServer {
  return { actor: r.actor, endpoint: (t) => ({ ...endpoint(t), servername: EVVM_SERVER_NAME }), clientBytes: async () => (await ctx.call(R.captured, { id: r.id })).clientBytes };
}

registerContainerRole('imap-adversaries', async (ctx) => ({
  rogueImapServer: async (flaw) => {
    const r = await ctx.call(R.rogueImap, { flaw });
    return capturing(ctx, r, (t) => ctx.published('adversaries', t === 'implicit-tls' ? r.ports.imaps : r.ports.imap));
  },
  unprovenDigestServer: async () => {
    const r = await ctx.call(R.unprovenDigest, {});
    return capturing(ctx, r, (t) => ctx.published('adversaries', t === 'implicit-tls' ? r.ports.imaps : r.ports.imap));
  },
  starttlsStripper: async (stripLoginDisabled) => {
    const upstream = (await ctx.topology.role('evvm-server')).endpoint('starttls');
    if (!upstream) throw new Error('the EVVM Server offers no STARTTLS port to stand in front of');
    const r = await ctx.call(R.starttlsStripper, { upstream: ctx.onNetwork(upstream), stripLoginDisabled });
    return capturing(ctx, r, () => ctx.published('adversaries', r.port));
  },
}));

// --- the containers' side ---

serve(R.startServer, async (_, s) => {
  const { server, ports } = await drivenEvvmServer(s);
  return { actor: server.actor, ports };
});

serve(R.observations, async (_, s) => observationsOf((await drivenEvvmServer(s)).server));

serve(R.retrieve, (r, s) => evvmClientFor(s.run.pki, s.faults, s.transcript).retrieveVoicemail(r.target, r.account));

serve(R.sync, (r, s) => evvmClientFor(s.run.pki, s.faults, s.transcript).syncVoicemailBox(r.target, r.account));

serve(R.retrieveOffered, (r, s) => evvmClientFor(s.run.pki, s.faults, s.transcript).retrieveFromOffered(r.offered, r.account));

serve(R.rogueImap, async ({ flaw }, s) => {
  const rogue = rogueImapServer(s.run.pki, s.run.accounts, flaw, s.transcript);
  const ports = await rogue.start();
  s.onEnd(() => rogue.stop());
  const id = capture(s, () => Buffer.concat(rogue.observations().connections.map((c) => c.clientBytes)));
  const published = await publishedImap(s, ports);
  return { id, actor: rogue.actor, ports: { imaps: published.imaps!, imap: published.imap! } };
});

serve(R.unprovenDigest, async (_, s) => {
  const impostor = unprovenDigestServer(s.run.pki, s.run.accounts, s.transcript);
  const ports = await impostor.start();
  s.onEnd(() => impostor.stop());
  const id = capture(s, () => Buffer.concat(impostor.observations().connections.map((c) => c.clientBytes)));
  const published = await publishedImap(s, ports);
  return { id, actor: impostor.actor, ports: { imaps: published.imaps!, imap: published.imap! } };
});

serve(R.starttlsStripper, async ({ upstream, stripLoginDisabled }, s) => {
  const mitm = new StarttlsStripper({ upstream, stripLoginDisabled, actor: 'Man in the Middle', transcript: s.transcript });
  const port = await mitm.start();
  s.onEnd(() => mitm.stop());
  return { id: capture(s, () => mitm.clientBytes()), actor: mitm.actor, port: await s.expose(port) };
});

serve(R.captured, ({ id }, s) => ({ clientBytes: captured(s, id) }));
