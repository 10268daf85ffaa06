/**
 * A port for a server a test starts, or names in a profile, before anything listens on it. Port 0 would
 * give one from the kernel's ephemeral range, where any socket of a concurrent test (a listener on port 0,
 * an outgoing connection) may take it between the check and the bind: EADDRINUSE in CI. Below that range
 * the kernel never hands a port out on its own, so only another explicit choice could collide.
 */
import { readFileSync } from 'node:fs';
import net from 'node:net';

const SPAN = 10_000;

function ephemeralStart(): number {
  try {
    return Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || 32768;
  } catch {
    return 32768;
  }
}

const free = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });

export async function freePort(): Promise<number> {
  const top = ephemeralStart();
  const bottom = Math.max(1024, top - SPAN);
  for (let i = 0; i < 100; i++) {
    const port = bottom + Math.floor(Math.random() * (top - bottom));
    if (await free(port)) return port;
  }
  throw new Error(`no free port found in ${bottom}..${top - 1}`);
}
