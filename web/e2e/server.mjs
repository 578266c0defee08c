// Starts the real civicgrid server for the end-to-end run: `civicgrid serve --demo` on a free
// loopback port with a temporary SQLite data directory, and reads the demo accounts' passwords
// from what it prints on its first start.
import { spawn, spawnSync } from 'node:child_process';
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

// `history(base)`, when given, returns JSON Lines of earlier cases: after the first start (which
// creates the demo district and prints the passwords) the server is stopped, the lines are
// imported with `civicgrid import cases`, and the server starts again on the same data, so its
// statistics are built from them at start-up.
export async function startServer({ history } = {}) {
  const binary = process.env.CIVICGRID_BINARY || join(repoRoot, 'build', 'civicgrid');
  const data = mkdtempSync(join(tmpdir(), 'civicgrid-e2e-'));
  const port = await freePort();
  const env = { ...process.env, CIVICGRID_SOURCE_DIR: repoRoot };
  let out = '';
  let child;
  const base = `http://127.0.0.1:${port}`;
  async function start() {
    child = spawn(binary, ['serve', '--demo', '--data', data, '--port', String(port), '--listen', '127.0.0.1'], {
      cwd: repoRoot,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
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
  }
  async function stop() {
    child.kill('SIGTERM');
    await new Promise((r) => (child.exitCode !== null ? r() : child.on('exit', r)));
  }
  await start();
  const passwords = {};
  for (const m of out.matchAll(/^\s+(\w+) \((\w+)\): (\S+)$/gm)) passwords[m[1]] = m[3];
  if (history) {
    const lines = await history(base);
    await stop();
    const r = spawnSync(binary, ['import', 'cases', '--data', data, '--quiet', '-'], { cwd: repoRoot, env, input: lines, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`import of the history failed (exit ${r.status}):\n${r.stdout}${r.stderr}`);
    await start();
  }
  return {
    base,
    passwords,
    log: () => out,
    async stop() {
      await stop();
      rmSync(data, { recursive: true, force: true });
    },
  };
}
