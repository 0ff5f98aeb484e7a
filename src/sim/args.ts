/**
 * Command line of the standalone simulated cluster (`npm run sim -- ...`).
 *
 * @module
 */
import { parseArgs } from 'node:util';
import { SimError } from './errors.js';
import type { SimStartOptions } from './index.js';

/** Help text. */
export const simUsage = `usage: npm run sim -- [options]
  --nodes N                      nodes (default 10)
  --pods-per-node M              pods per node, DaemonSet pods included (default 30)
  --seed S                       seed of names, uids and usage (default 1)
  --api-port P                   API server port on 127.0.0.1, 0 = free port (default 0)
  --kubelet-port K               kubelet port on every node address, 0 = free port (default 10255)
  --churn-pods-per-minute R      pods replaced per minute (default 0)
  --churn-restarts-per-minute R  container restarts per minute (default 0)
  --help`;

function numberFlag(values: Record<string, string | boolean | undefined>, flag: string, integer: boolean): number | undefined {
  const raw = values[flag];
  if (raw === undefined) return undefined;
  const pattern = integer ? /^\d+$/ : /^\d+(?:\.\d+)?$/;
  if (typeof raw !== 'string' || !pattern.test(raw)) {
    throw new SimError('invalid_option', `--${flag} must be a non-negative ${integer ? 'integer' : 'number'}, received ${JSON.stringify(raw)}`, { option: flag });
  }
  return Number(raw);
}

/** Reads the command line into start options; errors name the flag. */
export function parseSimArgs(args: readonly string[]): SimStartOptions | 'help' {
  const { values } = parseArgs({
    args: [...args],
    strict: true,
    allowPositionals: false,
    options: {
      nodes: { type: 'string' },
      'pods-per-node': { type: 'string' },
      seed: { type: 'string' },
      'api-port': { type: 'string' },
      'kubelet-port': { type: 'string' },
      'churn-pods-per-minute': { type: 'string' },
      'churn-restarts-per-minute': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) return 'help';
  const options: SimStartOptions = {};
  const set = <K extends keyof SimStartOptions>(key: K, value: SimStartOptions[K] | undefined) => {
    if (value !== undefined) options[key] = value;
  };
  set('nodes', numberFlag(values, 'nodes', true));
  set('podsPerNode', numberFlag(values, 'pods-per-node', true));
  set('seed', numberFlag(values, 'seed', true));
  set('apiPort', numberFlag(values, 'api-port', true));
  set('kubeletPort', numberFlag(values, 'kubelet-port', true));
  const podsPerMinute = numberFlag(values, 'churn-pods-per-minute', false);
  const restartsPerMinute = numberFlag(values, 'churn-restarts-per-minute', false);
  if (podsPerMinute !== undefined || restartsPerMinute !== undefined) {
    options.churn = { podsPerMinute: podsPerMinute ?? 0, restartsPerMinute: restartsPerMinute ?? 0 };
  }
  return options;
}
