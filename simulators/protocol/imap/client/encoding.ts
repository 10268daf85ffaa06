/** Argument encoding for commands the client builds (astring, mailbox names), and command framing. */
import { ImapClientError } from './errors';
import { literalShown } from './evidence';

/**
 * One argument of a command. Plain strings go on the wire as written; `text` lets a piece show something
 * else in the transcript (a redacted password); `literal` is sent as a synchronising literal `{n}`.
 */
export type CommandPiece = string | { text: string; shown: string } | { literal: Buffer; shown?: string };

function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** An astring as a quoted string, or a literal when quoting cannot carry it (CR, LF, NUL, 8-bit). */
export function astring(value: string, shown?: string): CommandPiece {
  // RFC 3501 quoted strings are 7-bit TEXT-CHARs; anything else needs a literal.
  if (/^[\x01-\x09\x0b\x0c\x0e-\x7f]*$/.test(value)) {
    const text = quote(value);
    return shown === undefined ? text : { text, shown };
  }
  const literal = Buffer.from(value, 'utf8');
  return shown === undefined ? { literal } : { literal, shown };
}

/** Modified UTF-7 (RFC 3501 §5.1.3) for mailbox names with non-ASCII characters. */
export function encodeModifiedUtf7(name: string): string {
  let out = '';
  let pending = '';
  const flush = (): void => {
    if (!pending) return;
    const utf16 = Buffer.alloc(pending.length * 2);
    for (let i = 0; i < pending.length; i++) utf16.writeUInt16BE(pending.charCodeAt(i), i * 2);
    out += `&${utf16.toString('base64').replace(/=+$/, '').replace(/\//g, ',')}-`;
    pending = '';
  };
  for (const ch of name) {
    const code = ch.charCodeAt(0);
    if (ch.length === 1 && code >= 0x20 && code <= 0x7e) {
      flush();
      out += ch === '&' ? '&-' : ch;
    } else {
      pending += ch;
    }
  }
  flush();
  return out;
}

export function mailboxArg(name: string): CommandPiece {
  return astring(encodeModifiedUtf7(name));
}

/** Splits a command into the frames written between continuation requests (one per synchronising literal). */
export function buildFrames(tag: string, pieces: CommandPiece[], inlineBytes: number): { bytes: Buffer; shown: string }[] {
  const frames: { bytes: Buffer; shown: string }[] = [];
  let bytes: Buffer[] = [Buffer.from(`${tag} `)];
  let shown = `${tag} `;
  const add = (text: string, show = text): void => {
    if (/[\r\n]/.test(text)) throw new ImapClientError('INVALID_ARGUMENT', 'command text contains CR or LF; use sendRaw() for that');
    bytes.push(Buffer.from(text, 'utf8'));
    shown += show;
  };
  pieces.forEach((piece, i) => {
    if (i > 0) add(' ');
    if (typeof piece === 'string') add(piece);
    else if ('text' in piece) add(piece.text, piece.shown);
    else {
      add(`{${piece.literal.length}}`);
      bytes.push(Buffer.from('\r\n'));
      frames.push({ bytes: Buffer.concat(bytes), shown });
      bytes = [piece.literal];
      shown = piece.shown ?? literalShown(piece.literal, inlineBytes);
    }
  });
  bytes.push(Buffer.from('\r\n'));
  frames.push({ bytes: Buffer.concat(bytes), shown });
  return frames;
}
