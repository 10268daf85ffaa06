/** NOOP (RFC 3501 §6.1.2): a round trip; collects whatever untagged updates the server has queued. */
import type { RawImapClient } from '../raw-client';
import type { CommandResult } from '../types';

export function noop(client: RawImapClient): Promise<CommandResult> {
  return client.run(['NOOP']);
}
