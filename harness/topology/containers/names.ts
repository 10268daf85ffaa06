/** The containers of a run and how a scenario reaches them: plain data, no Docker client. */

/** Every container of a run, and the names it answers to on the run's network. */
export const CONTAINER_ROLES = {
  'evvm-server': ['evvm-server', 'evvm-server.op.example'],
  'evvm-client': ['evvm-client'],
  'evvm-server-peer': ['evvm-server-peer', 'evvm-server.peer.example'],
  'forwarding-gateway': ['forwarding-gateway', 'forwarding-gateway.op.example'],
  'non-oma-vm': ['non-oma-vm', 'non-oma-vm.op.example'],
  'message-storage': ['message-storage', 'message-storage.op.example'],
  smsc: ['smsc', 'smsc.op.example'],
  adversaries: ['adversaries'],
} as const satisfies Record<string, readonly string[]>;
export type ContainerRole = keyof typeof CONTAINER_ROLES;

/** What a scenario needs to reach the fleet; plain JSON (cucumber world parameters). */
export type FleetInfo = {
  runId: string;
  /** where the published ports are reached: 127.0.0.1 for a local engine */
  host: string;
  /**
   * Each role's control API (published), the names it has on the private network (the first is what other
   * roles use) and the fixed ports its simulators are reached on. Tests run driven hosts in-process the same
   * way: names ['127.0.0.1'], a pool of free ports each.
   */
  roles: Partial<Record<ContainerRole, { names: string[]; control: string; pool: number[] }>>;
};

