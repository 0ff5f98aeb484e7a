/**
 * Every process the benchmark starts (simulator, Heapgraph, load clients, influxd) is registered
 * here and ended on the way out — normal end, failure, Ctrl-C — by its own pid, never by name.
 *
 * @module
 */
import { fork, spawn, type ChildProcess, type ForkOptions, type SpawnOptions } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (the benchmark's working directory for every child). */
export const repoRoot = fileURLToPath(new URL('..', import.meta.url));

const live = new Set<ChildProcess>();

function track(child: ChildProcess): ChildProcess {
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

/** Forks a TypeScript module of this repository under tsx, with an IPC channel. */
export function forkTs(modulePath: string, args: readonly string[], options: { execArgv?: readonly string[]; env?: NodeJS.ProcessEnv } = {}): ChildProcess {
  return forkJs(modulePath, args, { ...options, execArgv: ['--import', 'tsx', ...(options.execArgv ?? [])] });
}

/** Forks a JavaScript module of this repository (no tsx), with an IPC channel. */
export function forkJs(modulePath: string, args: readonly string[], options: { execArgv?: readonly string[]; env?: NodeJS.ProcessEnv } = {}): ChildProcess {
  const forkOptions: ForkOptions = {
    cwd: repoRoot,
    execArgv: [...(options.execArgv ?? [])],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env: { ...process.env, ...options.env },
  };
  return track(fork(fileURLToPath(new URL(modulePath, new URL('..', import.meta.url))), [...args], forkOptions));
}

/** Spawns a program (no IPC). */
export function spawnTracked(command: string, args: readonly string[], options: SpawnOptions = {}): ChildProcess {
  return track(spawn(command, [...args], { cwd: repoRoot, ...options }));
}

/** Sends SIGTERM, then SIGKILL after `graceMs`; resolves once the child has exited. */
export async function stopChild(child: ChildProcess, graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(killer);
}

/** Ends every child still running. */
export async function stopAllChildren(): Promise<void> {
  await Promise.allSettled([...live].map((child) => stopChild(child)));
}

/** Last resort on a synchronous exit: no waiting possible, so SIGKILL. */
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** Collects a child's output lines for error messages (last `keep` lines), and appends all of it to `logPath` when given. */
export function captureOutput(child: ChildProcess, keep = 50, logPath?: string): () => string {
  if (logPath) {
    mkdirSync(dirname(logPath), { recursive: true });
    const file = createWriteStream(logPath, { flags: 'a' });
    child.stdout?.pipe(file, { end: false });
    child.stderr?.pipe(file, { end: false });
    child.once('exit', (code, signal) => file.end(`[exited: code ${code}, signal ${signal}]\n`));
  }
  const lines: string[] = [];
  const add = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line === '') continue;
      lines.push(line);
      if (lines.length > keep) lines.shift();
    }
  };
  child.stdout?.on('data', add);
  child.stderr?.on('data', add);
  return () => lines.join('\n');
}
