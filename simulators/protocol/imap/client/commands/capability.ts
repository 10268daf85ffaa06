/** CAPABILITY (RFC 3501 §6.1.1): always asks the server; the cache on the client is updated as a side effect. */
import type { RawImapClient } from '../raw-client';
import { CommandFailedError, ProtocolError } from '../errors';

export async function capability(client: RawImapClient): Promise<string[]> {
  const result = await client.run(['CAPABILITY']);
  if (result.status !== 'OK') throw new CommandFailedError(result);
  const response = result.responses.find((r) => r.name === 'CAPABILITY');
  if (!response) throw new ProtocolError('MALFORMED_RESPONSE', 'CAPABILITY completed without a * CAPABILITY response');
  return response.text.split(' ').filter((c) => c.length > 0);
}
