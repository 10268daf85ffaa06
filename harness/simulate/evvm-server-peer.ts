import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { nullSink } from '../../evidence/transcript';
import { deliver } from '../../simulators/protocol/smtp/client';
import { PEER, PEER_ADDRESS, startPeerEvvmServer } from '../roles/interworking';
import { parseBody } from './body';
import { SendBody, smtpIutProfile } from './interworking-peer';
import { registerSimulatedRole } from './registry';

/**
 * The EVVM Server of the peer domain on its own (evvm-server.peer.example): server-to-server SMTP with
 * STARTTLS and implicit TLS, mutual authentication required; it takes voicemail from op.example for
 * dave@peer.example when the sender presents the EVVM Server's client certificate (trust.clientCert), and
 * relays a voicemail when POST /send-voicemail asks it to (a harness that has it under test: its send
 * trigger), with its own client certificate, trusting the anchor it is handed for the receiving server.
 */
registerSimulatedRole('evvm-server-peer', async (ctx) => {
  const peer = await startPeerEvvmServer({ pki: ctx.pki, host: ctx.host });
  const smtp = peer.interworking.endpoint('interServer', 'starttls')!;
  const smtps = peer.interworking.endpoint('interServer', 'implicit-tls')!;
  const address = PEER_ADDRESS;
  const client = ctx.pki.leaf('evvm-server-peer-client');
  return {
    endpoints: { smtp: `${ctx.host}:${smtp.port}`, smtps: `${ctx.host}:${smtps.port}`, servername: PEER.identity },
    trust: { ca: path.join(ctx.pkiDir, 'ca.pem'), clientCert: path.join(ctx.pkiDir, 'evvm-server-client.crt'), clientKey: path.join(ctx.pkiDir, 'evvm-server-client.key') },
    accounts: [{ name: PEER.mailbox, identifiers: [address], password: peer.password }],
    routes: {
      'GET /observations': () => peer.interworking.observations(),
      'GET /mailbox': () => peer.server.messages(address).map((m) => ({ uid: m.uid, flags: m.flags, bytes: m.raw.length, messageId: /^Message-ID:[ \t]*(\S+)/im.exec(m.raw.toString('latin1'))?.[1] })),
      'POST /send-voicemail': async (b) => {
        const r = parseBody(SendBody, b);
        const result = await deliver({
          actor: 'Peer EVVM Server',
          peer: 'EVVM Server',
          endpoint: { host: r.host, port: r.port, servername: r.servername, transport: r.transport },
          heloName: PEER.identity,
          // EVVM-AUTH-08, its own side: the receiving EVVM Server proves its name with a certificate from the anchor
          serverPolicy: { mutualAuth: true, trustAnchors: await readFile(r.trustAnchor, 'utf8'), peerIdentities: [r.servername] },
          credential: { chainPem: client.chainPem, keyPem: client.keyPem },
          from: r.from,
          to: [r.to],
          message: await readFile(r.messageFile),
          transcript: nullSink,
        });
        return { delivered: result.delivered, stage: result.stage, reason: result.reason };
      },
    },
    iutProfile: (control) =>
      smtpIutProfile(
        ctx,
        { role: 'evvm-server-peer', servername: PEER.identity, ports: { smtp: smtp.port, smtps: smtps.port }, relayDomains: [PEER.domain], wrongHost: 'forwarding-gateway-client', link: 'interServer' },
        { control },
      ),
    stop: () => peer.stop(),
  };
});
