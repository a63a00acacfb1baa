/**
 * A Redis of the fleet bench's own, on a free port, so restarting it mid-run disturbs no one
 * else on the machine (the system Redis on 6379 is shared). Append-only file on, as the
 * README advises for production: a restart keeps the semaphores' holders and queues, so no
 * permit is handed out twice after it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export interface PrivateRedis {
  url: string;
  pid(): number | undefined;
  /** Stops it (SIGTERM: the append-only file is flushed), waits `downMs`, starts it again on the same port and data. */
  restart(downMs: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startPrivateRedis(dir: string): Promise<PrivateRedis> {
  fs.mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes', '--appendfsync', 'everysec', '--dir', dir, '--logfile', path.join(dir, 'redis.log')];
  let child: ChildProcess = await launch(args, port);
  return {
    url: `redis://127.0.0.1:${port}/0`,
    pid: () => child.pid,
    async restart(downMs) {
      await terminate(child);
      await new Promise((r) => setTimeout(r, downMs));
      child = await launch(args, port);
    },
    stop: () => terminate(child),
  };
}

async function launch(args: string[], port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', args, { stdio: 'ignore' });
  const deadline = Date.now() + 10_000;
  while (!(await answers(port))) {
    if (child.exitCode !== null) throw new Error(`redis-server exited at start-up (code ${child.exitCode}); is the Debian package redis-server installed?`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`redis-server did not answer on port ${port} in 10 s`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return child;
}

function terminate(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** Whether something answers PING on the port. */
function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.setTimeout(500);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (d) => {
      socket.destroy();
      resolve(d.toString().startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
