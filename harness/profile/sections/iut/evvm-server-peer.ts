/**
 * `iut.role: evvm-server-peer`: a vendor's EVVM Server as the peer in server-to-server interworking (IF-8),
 * serving the peer domain (peer.example, mailbox dave@peer.example, in the feature files). The harness's EVVM
 * Server relays to it and, when the profile says how to make it send (`send`), receives what it relays; the
 * harness also plays the senders with flawed certificates.
 */
import { z } from 'zod';
import type { IutReader } from './common';
import { resolveSendingPeer, sendingPeerFields, type SendingSmtpPeerIut } from './smtp-peer';

export const EvvmServerPeerIutSchema = z.object(sendingPeerFields('evvm-server-peer')).strict();
export type EvvmServerPeerIut = SendingSmtpPeerIut<'evvm-server-peer'>;
export const resolveEvvmServerPeer = (s: z.infer<typeof EvvmServerPeerIutSchema>, read: IutReader): EvvmServerPeerIut => resolveSendingPeer(s, read);
