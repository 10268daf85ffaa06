/** What the EVVM Server observed storing voicemail in the Message Storage Server, genuine or rogue (EVVM-AUTH-05). */
import { findCredentials } from '../../evidence/credentials';
import type { StoreResult } from '../../../simulators/evvm-server/message-storage-client';
import type { StoredVoicemail } from '../../roles/message-storage';
import { condition, judged } from '../condition';

const IF5 = ['EVVM-AUTH-05'];

export const evvmServerAuthenticatedStorage = condition('EvvmServerAuthenticatedStorage', IF5, (r: StoreResult) =>
  judged(r.serverAuthenticated, `certificate verified (${r.tls?.protocol})`, `not authenticated: ${r.error ?? 'no verified TLS'}`, { tls: r.tls }),
);

/** `mutual`: the service provider's policy requires the EVVM Server's client certificate. */
export const storageAcceptedEvvmServer = condition('StorageAcceptedEvvmServer', IF5, (r: StoreResult, mutual: boolean) =>
  judged(
    r.loggedIn && (!mutual || r.clientCertificatePresented),
    `logged in${r.clientCertificatePresented ? ' after presenting its client certificate' : ''}`,
    `not accepted: ${r.error ?? (r.clientCertificatePresented ? 'no session' : 'no client certificate presented although the policy requires mutual authentication')}`,
  ),
);

export const voicemailStored = condition('VoicemailStored', IF5, ({ messageId, result }: StoredVoicemail) =>
  judged(result.stored && result.confirmed, `${messageId} stored and read back`, result.confirmed ? `${messageId} stored and read back` : `not stored: ${result.error ?? 'not found after APPEND'}`),
);

export const storageRefusedEvvmServer = condition('StorageRefusedEvvmServer', IF5, (r: StoreResult) =>
  judged(!r.loggedIn && !r.stored, `refused: ${r.error ?? 'no session'}`, r.loggedIn ? 'the Message Storage Server let the EVVM Server in' : `refused: ${r.error ?? 'no session'}`),
);

/** Every byte the rogue (`actor`) received, searched for the credential the EVVM Server holds for the genuine store. */
export const noCredentialReachedRogueStorage = condition('NoCredentialReachedRogueStorage', IF5, (actor: string, bytes: Buffer, credential: string) => {
  const found = findCredentials(bytes, [credential]);
  return judged(
    found.commands.length === 0 && found.secretsSeen === 0,
    `${actor} received ${bytes.length} bytes and no credential`,
    `${actor} received ${found.commands.join(', ') || 'the password'}`,
    { bytesReceived: bytes.length, ...found },
  );
});

export const nothingStoredOnRogue = condition('NothingStoredOnRogue', IF5, (r: StoreResult) =>
  judged(!r.stored, `the EVVM Server stopped: ${r.error ?? 'no session'}`, 'the EVVM Server stored the voicemail on the rogue server'),
);
