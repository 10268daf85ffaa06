import path from 'node:path';
import { PEER, PEER_ADDRESS, startPeerEvvmServer } from '../roles/interworking';
import { registerSimulatedRole } from './registry';

/**
 * The EVVM Server of the peer domain on its own (evvm-server.peer.example): server-to-server SMTP with
 * STARTTLS and implicit TLS, mutual authentication required; it takes voicemail from op.example for
 * dave@peer.example when the sender presents the EVVM Server's client certificate (trust.clientCert).
 */
registerSimulatedRole('evvm-server-peer', async (ctx) => {
  const peer = await startPeerEvvmServer({ pki: ctx.pki, host: ctx.host });
  const smtp = peer.interworking.endpoint('interServer', 'starttls')!;
  const smtps = peer.interworking.endpoint('interServer', 'implicit-tls')!;
  const address = PEER_ADDRESS;
  return {
    endpoints: { smtp: `${ctx.host}:${smtp.port}`, smtps: `${ctx.host}:${smtps.port}`, servername: PEER.identity },
    trust: { ca: path.join(ctx.pkiDir, 'ca.pem'), clientCert: path.join(ctx.pkiDir, 'evvm-server-client.crt'), clientKey: path.join(ctx.pkiDir, 'evvm-server-client.key') },
    accounts: [{ name: PEER.mailbox, identifiers: [address], password: peer.password }],
    routes: {
      'GET /observations': () => peer.interworking.observations(),
      'GET /mailbox': () => peer.server.messages(address).map((m) => ({ uid: m.uid, flags: m.flags, bytes: m.raw.length, messageId: /^Message-ID:[ \t]*(\S+)/im.exec(m.raw.toString('latin1'))?.[1] })),
    },
    stop: () => peer.stop(),
  };
});
