/** SELECT (RFC 3501 §6.3.1): the mailbox state the server reports, parsed; NO/BAD throw CommandFailedError. */
import type { RawImapClient } from '../raw-client';
import { mailboxArg } from '../encoding';
import { CommandFailedError, ProtocolError } from '../errors';
import { responseData, tokenFlags } from '../parser';
import type { CommandResult } from '../types';

export interface SelectResult {
  result: CommandResult;
  exists?: number;
  recent?: number;
  flags: string[];
  permanentFlags?: string[];
  uidValidity?: number;
  uidNext?: number;
  unseen?: number;
  highestModSeq?: number;
  readOnly: boolean;
}

function codeNumber(value: string | undefined, name: string): number {
  if (!value || !/^\d{1,20}$/.test(value)) throw new ProtocolError('MALFORMED_RESPONSE', `[${name}] is not a number`);
  return Number(value);
}

export async function select(client: RawImapClient, mailbox: string): Promise<SelectResult> {
  const result = await client.run(['SELECT', mailboxArg(mailbox)]);
  if (result.status !== 'OK') throw new CommandFailedError(result);
  const out: SelectResult = { result, flags: [], readOnly: result.code?.name === 'READ-ONLY' };
  for (const r of result.responses) {
    if (r.name === 'FLAGS') out.flags = tokenFlags(responseData(r)[0], 'FLAGS');
    else if (r.name === 'EXISTS' && r.number !== undefined) out.exists = r.number;
    else if (r.name === 'RECENT' && r.number !== undefined) out.recent = r.number;
    else if (r.name === 'OK' && r.code) {
      const { name, value } = r.code;
      if (name === 'UIDVALIDITY') out.uidValidity = codeNumber(value, name);
      else if (name === 'UIDNEXT') out.uidNext = codeNumber(value, name);
      else if (name === 'UNSEEN') out.unseen = codeNumber(value, name);
      else if (name === 'HIGHESTMODSEQ') out.highestModSeq = codeNumber(value, name);
      else if (name === 'PERMANENTFLAGS') {
        const inner = /^\((.*)\)$/.exec(value ?? '');
        if (!inner) throw new ProtocolError('MALFORMED_RESPONSE', '[PERMANENTFLAGS] is not a list');
        out.permanentFlags = inner[1]!.split(' ').filter((f) => f.length > 0);
      }
    }
  }
  return out;
}
