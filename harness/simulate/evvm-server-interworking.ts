import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { EvvmServer } from '../../simulators/evvm-server/evvm-server';
import { EvvmInterworking, type SmtpInterface } from '../../simulators/evvm-server/interworking';
import { evvmServerConfig } from '../roles/authentication';
import { HOME, homeInterworkingConfig, type LinkName } from '../roles/interworking';
import { parseBody } from './body';
import { SendBody, sendTrigger } from './interworking-peer';
import { registerSimulatedRole } from './registry';

// the client certificate each party presents, and the valid one of another party (issued for another host)
const PARTY_CLIENT: Record<LinkName, { leaf: string; wrongHost: string }> = {
  forwardingGateway: { leaf: 'forwarding-gateway-client', wrongHost: 'non-oma-vm-client' },
  nonOmaVm: { leaf: 'non-oma-vm-client', wrongHost: 'evvm-server-peer-client' },
  interServer: { leaf: 'evvm-server-peer-client', wrongHost: 'forwarding-gateway-client' },
};

/**
 * The EVVM Server's SMTP interworking interfaces on their own (evvm-server.op.example): one listener per
 * link, each taking mail only from the party whose client certificate the profile's policy names, for the
 * demo mailboxes. It relays a voicemail when POST /send-voicemail asks it to (a harness that has it under
 * test: its send trigger), over the link the recipient's domain calls for, as it relays any (its faults
 * included), trusting the anchor it is handed for the receiving server. `--profile-out` names it as an
 * EVVM Server under test on its interworking side.
 */
registerSimulatedRole('evvm-server-interworking', async (ctx) => {
  const server = new EvvmServer(evvmServerConfig({ pki: ctx.pki, profile: ctx.profile, accounts: ctx.accounts, faults: ctx.faults, host: ctx.host }));
  await server.start();
  const iw = new EvvmInterworking(homeInterworkingConfig({ server, pki: ctx.pki, profile: ctx.profile, accounts: ctx.accounts, host: ctx.host }));
  await iw.start();
  const ports = (link: SmtpInterface) => ({ smtp: iw.endpoint(link, 'starttls')!.port, smtps: iw.endpoint(link, 'implicit-tls')!.port });
  const pair = (name: string) => ({ cert: path.join(ctx.pkiDir, `${name}.crt`), key: path.join(ctx.pkiDir, `${name}.key`) });
  const certificates = (link: LinkName) => {
    const { leaf, wrongHost } = PARTY_CLIENT[link];
    return { clientCertificate: pair(leaf), badClientCertificates: { expired: pair(`bad/${leaf}.expired`), revoked: pair(`bad/${leaf}.revoked`), wrongHost: pair(wrongHost) } };
  };
  const endpoints = Object.fromEntries((['forwardingGateway', 'nonOmaVm', 'interServer'] as const).flatMap((l) => [[`${l}.smtp`, `${ctx.host}:${ports(l).smtp}`], [`${l}.smtps`, `${ctx.host}:${ports(l).smtps}`]]));
  return {
    endpoints: { ...endpoints, servername: HOME.identity },
    trust: { ca: path.join(ctx.pkiDir, 'ca.pem'), peerClientCert: pair('evvm-server-peer-client').cert, peerClientKey: pair('evvm-server-peer-client').key },
    accounts: ctx.accounts.map((a) => ({ name: a.name, identifiers: a.identifiers })),
    routes: {
      'GET /observations': () => iw.observations(),
      'POST /send-voicemail': async (b) => {
        const r = parseBody(SendBody, b);
        const via = { endpoint: { host: r.host, port: r.port, servername: r.servername, transport: r.transport }, trustAnchors: await readFile(r.trustAnchor, 'utf8') };
        const { result } = await iw.send(iw.linkFor(r.to), { from: r.from, to: r.to, raw: await readFile(r.messageFile) }, via);
        return { delivered: result.delivered, stage: result.stage, reason: result.reason };
      },
    },
    iutProfile: (control) => ({
      policy: { interfaces: Object.fromEntries((['forwardingGateway', 'nonOmaVm', 'interServer'] as const).map((l) => [l, { mutualAuth: ctx.profile.policy.interfaces[l].mutualAuth }])) },
      iut: {
        role: 'evvm-server-interworking',
        host: ctx.host,
        servername: HOME.identity,
        ports: ports('interServer'),
        trustAnchor: path.join(ctx.pkiDir, 'ca.pem'),
        ...certificates('interServer'),
        declares: { transports: ['starttls', 'implicit-tls'], clientCertificates: 'required', relayDomains: [HOME.domain] },
        links: { forwardingGateway: { ports: ports('forwardingGateway'), ...certificates('forwardingGateway') }, nonOmaVm: { ports: ports('nonOmaVm'), ...certificates('nonOmaVm') } },
        deposit: { ports: ports('deposit') },
        send: sendTrigger(control),
      },
      // its only secrets are key files, named by path
      env: {},
    }),
    stop: async () => {
      await iw.stop();
      await server.stop();
    },
  };
});
