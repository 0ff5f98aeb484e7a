import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('npm run sim', () => {
  it('prints the API URL and kubelet port, serves both, and exits cleanly on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/sim/main.ts', '--nodes', '4', '--pods-per-node', '6', '--api-port', '0', '--kubelet-port', '0', '--seed', '5'],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    try {
      while (!/ready in/.test(output)) {
        const [exited] = await Promise.race([once(child.stdout, 'data'), once(child, 'exit').then(() => ['exit'])]);
        if (exited === 'exit') throw new Error(`sim exited early: ${output}`);
      }
      const apiUrl = /API server (http:\/\/127\.0\.0\.1:\d+)/.exec(output)![1]!;
      const kubeletPort = Number(/kubelets on port (\d+)/.exec(output)![1]);
      const nodes = (await (await fetch(`${apiUrl}/api/v1/nodes`)).json()) as { items: Array<{ metadata: { name: string } }> };
      expect(nodes.items.map((node) => node.metadata.name)).toEqual(['sim-node-0000', 'sim-node-0001', 'sim-node-0002', 'sim-node-0003']);
      const summary = (await (await fetch(`http://127.0.1.4:${kubeletPort}/stats/summary`)).json()) as { node: { nodeName: string } };
      expect(summary.node.nodeName).toBe('sim-node-0003');
    } finally {
      child.kill('SIGTERM');
    }
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
    expect(output).toContain('SIGTERM, closing');
  });
});
