/**
 * FETCH / UID FETCH (RFC 3501 §6.4.5, §7.4.2). Message data is parsed from the token stream; literal
 * bodies arrive as Buffers, byte for byte. Malformed FETCH data fails the call (ProtocolError) instead of
 * yielding a partial message (PRAC-02: fail closed).
 */
import type { RawImapClient } from '../raw-client';
import { CommandFailedError, ImapClientError, ProtocolError } from '../errors';
import { responseData, tokenFlags, tokenNumber, tokenText } from '../parser';
import type { ImapToken } from '../types';

export interface FetchOptions {
  uid?: boolean;
  timeoutMs?: number;
}

export interface FetchMessage {
  seq: number;
  uid?: number;
  flags?: string[];
  /** RFC822.SIZE */
  size?: number;
  internalDate?: string;
  modseq?: number;
  /** BODY[] (or RFC822), the whole message */
  body?: Buffer;
  /** every body section by its response name (BODY[HEADER], BODY[1]<0>, BINARY[1], RFC822.TEXT, …); NIL is null */
  sections: Record<string, Buffer | null>;
  /** every item as returned, tokens unconverted (ENVELOPE, BODYSTRUCTURE, …) */
  items: Record<string, ImapToken>;
}

const SEQUENCE_SET = /^(?:\d+|\*)(?::(?:\d+|\*))?(?:,(?:\d+|\*)(?::(?:\d+|\*))?)*$/;
const SECTION_ITEM = /^(?:BODY\[|BINARY\[|RFC822$|RFC822\.HEADER$|RFC822\.TEXT$)/;

function sectionValue(key: string, token: ImapToken): Buffer | null {
  if (token.kind === 'nil') return null;
  if (token.kind === 'string') return token.value;
  throw new ProtocolError('MALFORMED_RESPONSE', `FETCH ${key} is not a string, literal or NIL`);
}

export function parseFetchItems(seq: number, tokens: ImapToken[]): FetchMessage {
  const list = tokens[0];
  if (list?.kind !== 'list' || tokens.length !== 1) throw new ProtocolError('MALFORMED_RESPONSE', `FETCH ${seq} data is not one parenthesised list`);
  if (list.items.length % 2 !== 0) throw new ProtocolError('MALFORMED_RESPONSE', `FETCH ${seq} has an item without a value`);
  const message: FetchMessage = { seq, sections: {}, items: {} };
  for (let i = 0; i < list.items.length; i += 2) {
    const keyToken = list.items[i]!;
    const value = list.items[i + 1]!;
    if (keyToken.kind !== 'atom') throw new ProtocolError('MALFORMED_RESPONSE', `FETCH ${seq} item name is not an atom`);
    const key = keyToken.value.toUpperCase();
    message.items[key] = value;
    if (key === 'UID') message.uid = tokenNumber(value, 'UID');
    else if (key === 'FLAGS') message.flags = tokenFlags(value, 'FLAGS');
    else if (key === 'RFC822.SIZE') message.size = tokenNumber(value, 'RFC822.SIZE');
    else if (key === 'INTERNALDATE') {
      const text = tokenText(value);
      if (text === undefined) throw new ProtocolError('MALFORMED_RESPONSE', 'INTERNALDATE is not a string');
      message.internalDate = text;
    } else if (key === 'MODSEQ') {
      if (value.kind !== 'list' || value.items.length !== 1) throw new ProtocolError('MALFORMED_RESPONSE', 'MODSEQ is not (n)');
      message.modseq = tokenNumber(value.items[0], 'MODSEQ');
    } else if (SECTION_ITEM.test(key)) {
      const data = sectionValue(key, value);
      message.sections[key] = data;
      if ((key === 'BODY[]' || key === 'RFC822' || key === 'BINARY[]') && data) message.body = data;
    }
  }
  return message;
}

export async function fetch(
  client: RawImapClient,
  sequenceSet: string,
  items: string | string[],
  options: FetchOptions = {},
): Promise<FetchMessage[]> {
  if (!SEQUENCE_SET.test(sequenceSet)) throw new ImapClientError('INVALID_ARGUMENT', `not a sequence set: ${sequenceSet}`);
  const itemText = Array.isArray(items) ? (items.length === 1 ? items[0]! : `(${items.join(' ')})`) : items;
  const command = options.uid ? ['UID FETCH', sequenceSet, itemText] : ['FETCH', sequenceSet, itemText];
  const result = await client.run(command, options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {});
  if (result.status !== 'OK') throw new CommandFailedError(result);
  const bySeq = new Map<number, FetchMessage>();
  for (const r of result.responses) {
    if (r.name !== 'FETCH') continue;
    if (r.number === undefined || r.number === 0) throw new ProtocolError('MALFORMED_RESPONSE', 'FETCH response without a message number');
    const parsed = parseFetchItems(r.number, responseData(r));
    const seen = bySeq.get(r.number);
    // A server may split one message's data over several FETCH responses.
    if (seen) {
      Object.assign(seen.items, parsed.items);
      Object.assign(seen.sections, parsed.sections);
      for (const key of ['uid', 'flags', 'size', 'internalDate', 'modseq', 'body'] as const) {
        if (parsed[key] !== undefined) Object.assign(seen, { [key]: parsed[key] });
      }
    } else bySeq.set(r.number, parsed);
  }
  return [...bySeq.values()];
}
