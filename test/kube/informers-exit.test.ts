import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { kubeResources } from '../../src/kube/informers.js';

const script = join(dirname(fileURLToPath(import.meta.url)), 'stop-exits.script.ts');

function runScript(timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`child did not exit within ${timeoutMs} ms; stdout: ${stdout}; stderr: ${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('stopping the informers', () => {
  it('leaves no timer or socket behind: the process exits on its own right after stop()', async () => {
    const { code, stdout, stderr } = await runScript(25_000);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(stdout.trim()) as { phasesBeforeStop: string[]; phasesAfterStop: string[]; exitDelayMs: number };
    expect(report.phasesBeforeStop).toEqual(kubeResources.map(() => 'restarting'));
    expect(report.phasesAfterStop).toEqual(kubeResources.map(() => 'stopped'));
    // Not a timing target: the shortest timer that could leak (a restart) is armed for ≥ 4 s, so an exit
    // well before that proves none was left; the margin absorbs a loaded machine.
    expect(report.exitDelayMs).toBeLessThan(3_500);
  }, 30_000);
});
