import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { JwtService } from '@nestjs/jwt';
import { ROOT } from './child';

export interface RunningServer {
  port: number;
  url: string;
  queuePrefix: string;
  token(claims: { roles: string[]; sub: string; org?: string; email?: string }): string;
  stop(): Promise<void>;
}

/**
 * Starts bench/suites/http-server.ts in its own process, so the load generator and the server
 * do not share an event loop (on two cores, each gets one).
 */
export function startServer(env: Record<string, string> = {}, nodeArgs: string[] = []): Promise<RunningServer> {
  const secret = randomBytes(32).toString('hex');
  const queuePrefix = `pzbench-${process.pid}-${Date.now()}`;
  const child = fork(join(ROOT, 'bench', 'suites', 'http-server.ts'), [], {
    cwd: ROOT,
    execArgv: [...nodeArgs, '-r', '@swc-node/register'],
    // A write limit no benchmark reaches: its bookkeeping is measured, its refusals are not.
    env: { ...process.env, AUTH_JWT_SECRET: secret, QUEUE_PREFIX: queuePrefix, WRITE_RATE_LIMIT: '1000000000', ...env },
    // The service's request logs go where a production pipe would take them: away.
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const jwt = new JwtService();
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`server exited with ${code} before it was ready`)));
    child.once('message', (message: { ready?: boolean; port?: number }) => {
      if (!message.ready || !message.port) return reject(new Error('server did not start'));
      child.removeAllListeners('exit');
      const port = message.port;
      resolve({
        port,
        url: `http://127.0.0.1:${port}`,
        queuePrefix,
        token: ({ roles, sub, org, email }) =>
          jwt.sign({ roles, org, email }, { secret, algorithm: 'HS256', subject: sub, expiresIn: '2h' }),
        stop: () =>
          new Promise<void>((done) => {
            const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
            child.once('exit', () => {
              clearTimeout(timer);
              done();
            });
            child.send({ stop: true });
          }),
      });
    });
  });
}

/** A JSON request to the server; throws on an unexpected status. */
export async function call<T>(
  server: RunningServer,
  method: string,
  path: string,
  token: string | null,
  body?: unknown,
  expect: number[] = [200, 201],
): Promise<T> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!expect.includes(res.status)) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 500)}`);
  return (text ? JSON.parse(text) : undefined) as T;
}
