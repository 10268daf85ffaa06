/**
 * What the clauses' container sides (harness/topology/containers/clauses/) share in the evvm-server and
 * adversaries containers: the scenario's EVVM Server, which every clause adds its interfaces to, an IMAP
 * server's ports as published, and what each adversary captured, by id.
 */
import { EvvmServer } from '../../../simulators/evvm-server/evvm-server';
import { evvmServerConfig } from '../../roles/authentication';
import { ControlError } from '../../control/control-server';
import type { Scope } from './host';

/** Publishes an IMAP server's ports ({ imaps, imap }) on the container's fixed ports. */
export async function publishedImap(scope: Scope, ports: { imaps?: number; imap?: number }): Promise<{ imaps?: number; imap?: number }> {
  return {
    ...(ports.imaps !== undefined ? { imaps: await scope.expose(ports.imaps) } : {}),
    ...(ports.imap !== undefined ? { imap: await scope.expose(ports.imap) } : {}),
  };
}

/** The scenario's EVVM Server (other clauses add interfaces to the same instance). */
export function drivenEvvmServer(scope: Scope): Promise<{ server: EvvmServer; ports: { imaps?: number; imap?: number } }> {
  return scope.once('evvm-server', async () => {
    const { pki, profile, accounts } = scope.run;
    const server = new EvvmServer(evvmServerConfig({ pki, profile, accounts, faults: scope.faults, transcript: scope.transcript }));
    const ports = await server.start();
    scope.onEnd(() => server.stop());
    return { server, ports: await publishedImap(scope, ports) };
  });
}

// The adversaries of one scenario, by id: what each one captured is asked for at the end (AUTHENTICATION_ROUTES.captured).
const captures = new WeakMap<Scope, Map<string, () => Buffer>>();

export function capture(scope: Scope, clientBytes: () => Buffer): string {
  let m = captures.get(scope);
  if (!m) captures.set(scope, (m = new Map()));
  const id = String(m.size + 1);
  m.set(id, clientBytes);
  return id;
}

/** What the adversary `id` of this scenario received from clients. */
export function captured(scope: Scope, id: string): Buffer {
  const get = captures.get(scope)?.get(id);
  if (!get) throw new ControlError(`no adversary "${id}" in this scenario`);
  return get();
}
