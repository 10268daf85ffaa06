import net from 'node:net';

/**
 * The fixed ports a container's simulators are reached on (decided when it is created, so the harness can
 * open its tunnels once) in front of the ephemeral ports they listen on (a fresh set every scenario, as in
 * the embedded topology). A relay is plain TCP: TLS, and so mutual authentication, stays end to end.
 */
export class RelayPool {
  private readonly busy = new Map<number, { server: net.Server; sockets: Set<net.Socket> }>();

  constructor(
    private readonly ports: readonly number[],
    private readonly host = '0.0.0.0',
  ) {}

  /** Publishes 127.0.0.1:`target` on a free pool port and returns that port. */
  async expose(target: number): Promise<number> {
    const port = this.ports.find((p) => !this.busy.has(p));
    if (port === undefined) throw new Error(`all ${this.ports.length} published ports of this container are in use`);
    const sockets = new Set<net.Socket>();
    const server = net.createServer((inbound) => {
      const outbound = net.connect(target, '127.0.0.1');
      sockets.add(inbound).add(outbound);
      const close = (): void => {
        inbound.destroy();
        outbound.destroy();
        sockets.delete(inbound);
        sockets.delete(outbound);
      };
      inbound.on('error', close).on('close', close);
      outbound.on('error', close).on('close', close);
      inbound.pipe(outbound).pipe(inbound);
    });
    this.busy.set(port, { server, sockets });
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, this.host, resolve));
    return port;
  }

  /** Closes every relay and its connections (the scenario is over). */
  async releaseAll(): Promise<void> {
    const all = [...this.busy.values()];
    this.busy.clear();
    await Promise.all(
      all.map(
        ({ server, sockets }) =>
          new Promise<void>((resolve) => {
            for (const s of sockets) s.destroy();
            server.close(() => resolve());
          }),
      ),
    );
  }
}
