/** LOGOUT (RFC 3501 §6.1.3): BYE, tagged OK, then the server closes; the client makes sure it is closed. */
import type { RawImapClient } from '../raw-client';
import { ConnectionClosedError } from '../errors';
import type { CommandResult } from '../types';

export interface LogoutResult {
  /** absent when the server closed right after its BYE, without the tagged OK */
  result?: CommandResult;
  bye?: string;
}

export async function logout(client: RawImapClient): Promise<LogoutResult> {
  let result: CommandResult | undefined;
  try {
    result = await client.run(['LOGOUT']);
  } catch (err) {
    if (!(err instanceof ConnectionClosedError) || client.bye === undefined) throw err;
  }
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([client.closed, new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.min(client.timeoutMs, 1000))))]);
  clearTimeout(timer);
  client.close();
  return { ...(result ? { result } : {}), ...(client.bye !== undefined ? { bye: client.bye } : {}) };
}
