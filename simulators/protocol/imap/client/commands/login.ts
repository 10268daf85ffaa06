/**
 * LOGIN (RFC 3501 §6.2.3). The raw client does not refuse to send it in the clear or under LOGINDISABLED:
 * that is what negative scenarios need. sentCredentialCommands() records whether the channel was TLS.
 */
import { REDACTED } from '../../../../../evidence/transcript';
import type { RawImapClient } from '../raw-client';
import { astring } from '../encoding';
import type { CommandResult } from '../types';

export async function login(client: RawImapClient, user: string, password: string): Promise<CommandResult> {
  client.registerSecret(password);
  const result = await client.run(['LOGIN', astring(user), astring(password, REDACTED)], {
    credential: { command: 'LOGIN' },
  });
  // RFC 3501 §6.2.3: capabilities may change after login, unless the OK carries the new list.
  if (result.status === 'OK' && result.code?.name !== 'CAPABILITY') client.forgetCapabilities();
  return result;
}
