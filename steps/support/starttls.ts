import type { EvvmWorld } from '../world';

/**
 * STD-03's one judgement on a command pipelined behind STARTTLS, for every IMAP server role: dropping the
 * connection after the injection is a safe answer (the injected bytes break the handshake, as Dovecot does);
 * answering the injected command inside TLS means the server executed it.
 * `dropped`: why no TLS session followed the injection, undefined when one did.
 */
export function checkInjectionNotExecuted(w: EvvmWorld, dropped: string | undefined, answered: string | undefined): void {
  if (dropped !== undefined) return w.check('PipelinedCommandDiscarded', true, `the server dropped the connection after the injection (${dropped}): nothing was executed`);
  return w.check('PipelinedCommandDiscarded', answered === undefined, answered !== undefined ? `the server executed the pipelined command inside TLS: ${answered}` : 'TLS established; no answer to the pipelined command arrived inside it');
}
