import http from 'node:http';
import net from 'node:net';

/**
 * A port on 127.0.0.1 in the harness that leads to one port inside a container, through HTTP CONNECT on
 * the container's control port (the only port it publishes: a published port costs the Docker engine
 * seconds to set up and tear down). What crosses is plain TCP, so TLS stays end to end; a port nobody
 * listens on inside closes the connection at once, as a refused connection would.
 */
export class Tunnel {
  private readonly sockets = new Set<net.Socket>();
  private readonly server: net.Server;

  private constructor(private readonly control: URL, private readonly containerPort: number) {
    this.server = net.createServer((client) => this.accept(client));
  }

  static async open(control: URL, containerPort: number): Promise<{ tunnel: Tunnel; port: number }> {
    const tunnel = new Tunnel(control, containerPort);
    await new Promise<void>((resolve, reject) => tunnel.server.once('error', reject).listen(0, '127.0.0.1', resolve));
    tunnel.server.unref(); // the run's end, not a forgotten tunnel, decides when the harness exits
    return { tunnel, port: (tunnel.server.address() as net.AddressInfo).port };
  }

  private accept(client: net.Socket): void {
    this.sockets.add(client);
    client.pause();
    const drop = (): void => {
      client.destroy();
      this.sockets.delete(client);
    };
    client.on('error', drop).on('close', drop);
    const req = http.request({ host: this.control.hostname, port: this.control.port, method: 'CONNECT', path: `127.0.0.1:${this.containerPort}` });
    req.on('connect', (res, upstream: net.Socket, head) => {
      // a client gone before the tunnel was up would never close it: its 'close' has passed
      if (res.statusCode !== 200 || client.destroyed) {
        upstream.destroy();
        return drop();
      }
      this.sockets.add(upstream);
      const close = (): void => {
        upstream.destroy();
        this.sockets.delete(upstream);
        drop();
      };
      upstream.on('error', close).on('close', close);
      client.on('close', close);
      if (head.length) client.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
      client.resume();
    });
    req.on('error', drop);
    req.end();
  }

  close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
