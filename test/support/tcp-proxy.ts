import { createServer, Server, Socket, connect } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A loopback TCP proxy in front of a real server (Redis here), so a test can cut the network
 * and restore it: `down()` drops every connection and resets each new one; `up()` forwards again.
 * The listening socket is held throughout: releasing the ephemeral port during an outage let
 * another process take it, and `up()` then failed with EADDRINUSE.
 * The client sees a real outage (connections reset), not a mock.
 */
export interface TcpProxy {
  readonly port: number;
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpProxy(targetHost: string, targetPort: number): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let forwarding = true;

  const dropAll = () => {
    for (const s of sockets) s.destroy();
    sockets.clear();
  };

  const server: Server = createServer((client) => {
    if (!forwarding) {
      client.resetAndDestroy();
      return;
    }
    const upstream = connect(targetPort, targetHost);
    // Without this, Nagle's algorithm meets delayed ACKs on every small request-reply exchange
    // (SMTP commands) and each one waits ~40 ms: reminders fell from 250 to 40 mails/s.
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    sockets.add(client).add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream).pipe(client);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    port,
    down: async () => {
      forwarding = false;
      dropAll();
    },
    up: async () => {
      forwarding = true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        forwarding = false;
        dropAll();
        server.close(() => resolve());
      }),
  };
}
