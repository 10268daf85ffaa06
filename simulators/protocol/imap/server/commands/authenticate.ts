import type { ServerStep } from '../../../sasl/types';
import { arity, atom, ImapSyntaxError } from '../tokenizer';
import { saslResponseText } from '../transcript-text';
import { NOT_AUTHENTICATED, type CommandSpec } from './types';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Strict base64 (RFC 4648 §4, padded); undefined when invalid. */
export function decodeBase64(s: string): Buffer | undefined {
  return BASE64.test(s) ? Buffer.from(s, 'base64') : undefined;
}

/**
 * AUTHENTICATE (RFC 3501 §6.2.2, RFC 4959 SASL-IR): base64 challenges as `+ ` continuations, `*` cancels
 * (BAD), invalid base64 is BAD. IMAP4rev1 has no success-with-data, so final server data (SCRAM `v=`) is
 * sent as one more challenge that the client answers with an empty line.
 */
export const authenticate: CommandSpec = {
  name: 'AUTHENTICATE',
  states: NOT_AUTHENTICATED,
  async run(s, cmd) {
    arity(cmd, 1, 2);
    const mechName = atom(cmd, cmd.args[0], 'mechanism').toUpperCase();
    let initial: Buffer | undefined;
    if (cmd.args.length === 2) {
      const ir = atom(cmd, cmd.args[1], 'initial response');
      initial = ir === '=' ? Buffer.alloc(0) : decodeBase64(ir);
      if (initial === undefined) throw new ImapSyntaxError('invalid base64 in the initial response', cmd.tag);
    }
    const started = s.backend.startAuthentication(s, mechName);
    if (!started.ok) {
      s.tagged(cmd.tag, 'NO', started.text, started.code);
      return;
    }
    const mech = started.mechanism;
    const abort = (detail: string): void => {
      s.backend.finishAuthentication(s, mechName, { kind: 'failure', reason: 'aborted', detail });
    };
    /** One client response; undefined when the exchange ended (answer already sent). */
    const readResponse = async (): Promise<Buffer | undefined> => {
      const line = await s.readSaslLine();
      if (line === null) {
        abort('connection closed during AUTHENTICATE');
        return undefined;
      }
      if (line.kind === 'error') {
        s.logRecv(`«${line.text}»`);
        abort(line.text);
        s.tagged(cmd.tag, 'BAD', line.text);
        return undefined;
      }
      const t = line.data.toString('latin1');
      if (t === '*') {
        s.logRecv('*');
        abort('client cancelled');
        s.tagged(cmd.tag, 'BAD', 'AUTHENTICATE cancelled');
        return undefined;
      }
      const data = decodeBase64(t);
      s.logRecv(data ? saslResponseText(data.length) : `«invalid base64, ${t.length} characters»`);
      if (!data) {
        abort('invalid base64');
        s.tagged(cmd.tag, 'BAD', 'invalid base64 in SASL response');
        return undefined;
      }
      return data;
    };

    let step: ServerStep = mech.start(initial);
    while (step.kind === 'challenge') {
      s.continuation(step.data.toString('base64'));
      const resp = await readResponse();
      if (resp === undefined) return;
      step = mech.next(resp);
    }
    if (step.kind === 'success' && step.data) {
      s.continuation(step.data.toString('base64'));
      const resp = await readResponse();
      if (resp === undefined) return;
      if (resp.length > 0) step = { kind: 'failure', reason: 'malformed', detail: 'non-empty response to the final server data', authcid: step.authcid };
    }
    s.concludeAuthentication(cmd.tag, s.backend.finishAuthentication(s, mechName, step), 'AUTHENTICATE completed');
  },
};
