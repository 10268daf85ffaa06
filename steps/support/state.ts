import type { EvvmWorld } from '../world';

const states = new WeakMap<EvvmWorld, Map<string, unknown>>();

/**
 * Per-scenario state of one clause's steps (SMS, content, interworking, …), kept beside the World
 * rather than in it, so each clause owns its state in its own file:
 *
 *   const sms = clauseState(this, 'sms', () => ({ delivered: [] as Sms[] }));
 */
export function clauseState<T>(world: EvvmWorld, clause: string, init: () => T): T {
  let map = states.get(world);
  if (!map) states.set(world, (map = new Map()));
  if (!map.has(clause)) map.set(clause, init());
  return map.get(clause) as T;
}
