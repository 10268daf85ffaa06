/**
 * How received commands appear in transcripts: literals inline when small, summarised when big, and
 * credentials redacted at the source (LOGIN password, AUTHENTICATE initial and continuation responses),
 * even when the command is malformed.
 */
import type { Segment } from './framing';
import { TRANSCRIPT_LITERAL_MAX } from './response';
import { REDACTED } from '../../../../evidence/transcript';

const PRINTABLE = /^[\x20-\x7e\t]*$/;

function showLiteral(s: Extract<Segment, { kind: 'literal' }>): string {
  const marker = `{${s.data.length}${s.nonSync ? '+' : ''}}`;
  const str = s.data.toString('latin1');
  return s.data.length <= TRANSCRIPT_LITERAL_MAX && PRINTABLE.test(str) ? `${marker}\r\n${str}` : `${marker}«literal, ${s.data.length} bytes»`;
}

/** Non-printable bytes as \xNN so that binary garbage stays readable evidence. */
export function printable(b: Buffer): string {
  return b.toString('latin1').replace(/[^\x20-\x7e]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** Commands whose arguments after the first `keep` ones carry secrets. */
const SECRET_ARGS: Record<string, number> = { LOGIN: 1, XCHANGE_TUI_PWD: 0, CHANGE_TUI_PWD: 0 };

export function saslResponseText(bytes: number): string {
  return `«SASL response, ${bytes} bytes»`;
}

/**
 * A lone base64 token is most likely a SASL response the client sent without waiting for `+` (after a
 * refused AUTHENTICATE, or pipelined behind STARTTLS): never show it.
 */
const LONE_BASE64 = /^[A-Za-z0-9+/]{12,}={0,2}$/;

/** One received command for the transcript. */
export function describeCommand(segments: readonly Segment[]): string {
  const first = segments[0];
  const head = first?.kind === 'text' ? first.data.toString('latin1') : '';
  if (segments.length === 1 && LONE_BASE64.test(head)) return `«unexpected line, ${head.length} characters (possibly a SASL response)»`;
  const m = /^(\S+) (\S+)/.exec(head);
  const name = m?.[2]?.toUpperCase();
  if (name === 'AUTHENTICATE') {
    // "tag AUTHENTICATE MECH [initial-response]": the mechanism is public, the response is not.
    const parts = head.split(' ');
    const shown = parts.slice(0, 3).join(' ');
    const rest = parts.slice(3).join(' ');
    const extra = segments.length > 1 ? ' …' : '';
    if (rest === '' && !extra) return printable(Buffer.from(shown, 'latin1'));
    const bytes = /^[A-Za-z0-9+/]*={0,2}$/.test(rest) ? Buffer.from(rest, 'base64').length : rest.length;
    return `${printable(Buffer.from(shown, 'latin1'))} ${saslResponseText(bytes)}${extra}`;
  }
  if (name !== undefined && name in SECRET_ARGS) {
    const keep = SECRET_ARGS[name]!;
    // Walk the arguments coarsely: literal segments are whole arguments, text splits at spaces outside quotes.
    const shown: string[] = [m![1]!, m![2]!];
    let args = 0;
    let redacted = false;
    const pushArg = (s: string): void => {
      if (args < keep) shown.push(s);
      else redacted = true;
      args++;
    };
    segments.forEach((seg, i) => {
      if (seg.kind === 'literal') {
        pushArg(showLiteral(seg));
        return;
      }
      let t = seg.data.toString('latin1');
      if (i === 0) t = t.slice(m![0].length);
      const tokens = t.match(/"(?:[^"\\]|\\.)*"?|[^ ]+/g) ?? [];
      for (const tok of tokens) pushArg(printable(Buffer.from(tok, 'latin1')));
    });
    if (redacted) shown.push(REDACTED);
    return shown.join(' ');
  }
  return segments.map((s) => (s.kind === 'text' ? printable(s.data) : showLiteral(s))).join('');
}
