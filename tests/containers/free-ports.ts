import net from 'node:net';

/**
 * Ports free on 127.0.0.1 now, for driven hosts' fixed pools in tests (a container's are 7001…). Picked at
 * random below the range the OS hands out for port 0 (32768 and up on Linux), so the tunnels and clients a
 * test opens meanwhile cannot take them.
 */
export async function freePorts(n: number): Promise<number[]> {
  const held: net.Server[] = [];
  const ports: number[] = [];
  while (ports.length < n) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (ports.includes(port)) continue;
    const server = net.createServer();
    const free = await new Promise<boolean>((resolve) => server.once('error', () => resolve(false)).listen(port, '127.0.0.1', () => resolve(true)));
    if (!free) continue;
    held.push(server);
    ports.push(port);
  }
  await Promise.all(held.map((s) => new Promise((r) => s.close(r))));
  return ports;
}
