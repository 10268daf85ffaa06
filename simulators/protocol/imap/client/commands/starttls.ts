/**
 * STARTTLS (RFC 3501 §6.2.1, RFC 2595). On OK the client stops reading plaintext at once: any byte the
 * server sent after the OK is an injection (ProtocolError STARTTLS_INJECTION). The handshake verifies the
 * server per tlsOptions (by default those given to connect) and fails with TlsError carrying Node's code.
 */
import type * as tls from 'node:tls';
import type { RawImapClient } from '../raw-client';
import type { CommandResult } from '../types';

export interface StartTlsOptions {
  /** bytes sent in the same write after "STARTTLS\r\n", before the handshake: a conformant server discards them */
  pipelined?: Buffer;
}

export async function starttls(
  client: RawImapClient,
  tlsOptions?: tls.ConnectionOptions,
  options: StartTlsOptions = {},
): Promise<CommandResult> {
  const result = await client.run(['STARTTLS'], {
    ...(options.pipelined ? { pipelined: options.pipelined } : {}),
    onTagged: (response) => {
      if (response.status === 'OK') client.suspendReading();
    },
  });
  if (result.status !== 'OK') return result;
  await client.upgradeToTls(tlsOptions ?? client.connectTlsOptions);
  return result;
}
