/**
 * `iut.role: non-oma-vm`: a vendor's EVVM Non-OMA Standard VM Service (IF-7), exchanging VPIM voicemail with
 * the EVVM Server over SMTP. The harness plays the EVVM Server that relays voicemail for its subscribers
 * (its relay domain, legacy-vm.example in the feature files), the senders with flawed certificates, and,
 * when the profile says how to make the service send (`send`), the EVVM Server and the impostors it sends to.
 */
import { z } from 'zod';
import type { IutReader } from './common';
import { resolveSendingPeer, sendingPeerFields, type SendingSmtpPeerIut } from './smtp-peer';

export const NonOmaVmIutSchema = z.object(sendingPeerFields('non-oma-vm')).strict();
export type NonOmaVmIut = SendingSmtpPeerIut<'non-oma-vm'>;
export const resolveNonOmaVm = (s: z.infer<typeof NonOmaVmIutSchema>, read: IutReader): NonOmaVmIut => resolveSendingPeer(s, read);
