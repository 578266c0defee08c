// Starts the real civicgrid server for the end-to-end run: `civicgrid serve --demo` on a free
// loopback port with a temporary SQLite data directory, and reads the demo accounts' passwords
// from what it prints on its first start.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import net from 'node:net';

export const repoRoot = resolve(new URL('../..', import.meta.url).pathname);

export function freePort() {
  return new Promise((ok, fail) => {
    const s = net.createServer();
    s.on('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

export async function startServer() {
  const binary = process.env.CIVICGRID_BINARY || join(repoRoot, 'build', 'civicgrid');
  const data = mkdtempSync(join(tmpdir(), 'civicgrid-e2e-'));
  const port = await freePort();
  let out = '';
  const child = spawn(binary, ['serve', '--demo', '--data', data, '--port', String(port), '--listen', '127.0.0.1'], {
    cwd: repoRoot,
    env: { ...process.env, CIVICGRID_SOURCE_DIR: repoRoot },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30000;
  for (;;) {
    if (child.exitCode !== null) throw new Error('server exited:\n' + out);
    try {
      if ((await fetch(base + '/healthz')).ok) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) throw new Error('server did not start:\n' + out);
    await new Promise((r) => setTimeout(r, 200));
  }
  const passwords = {};
  for (const m of out.matchAll(/^\s+(\w+) \((\w+)\): (\S+)$/gm)) passwords[m[1]] = m[3];
  return {
    base,
    passwords,
    log: () => out,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r() : child.on('exit', r)));
      rmSync(data, { recursive: true, force: true });
    },
  };
}
