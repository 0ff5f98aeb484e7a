/**
 * Where the numbers were taken: cores, CPU model, memory, Node, kernel, the commit measured.
 *
 * @module
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg, release, totalmem } from 'node:os';
import { repoRoot } from './children.js';
import type { MachineInfo } from './results.js';

function run(command: string, args: string[]): string {
  try {
    return execFileSync(command, args, { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
}

/** Reads the machine's facts. */
export function machineInfo(): MachineInfo {
  let cpuModel = 'unknown';
  try {
    cpuModel = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpuModel;
  } catch {
    // not Linux
  }
  const commit = run('git', ['rev-parse', '--short', 'HEAD']);
  const dirty = run('git', ['status', '--porcelain', '--', 'src']) !== '';
  return {
    cpus: availableParallelism(),
    cpuModel,
    memoryGiB: totalmem() / 2 ** 30,
    node: process.version,
    platform: `${process.platform}/${process.arch}`,
    kernel: release(),
    commit: commit === '' ? 'unknown' : `${commit}${dirty ? ' + uncommitted changes in src/' : ''}`,
    ulimitNofile: run('sh', ['-c', 'ulimit -n']) || 'unknown',
    loadAverage: loadavg(),
  };
}
