/**
 * Standalone simulated cluster:
 * `npm run sim -- --nodes 100 --pods-per-node 30 --api-port 8080 --kubelet-port 10255 --seed 1`.
 * Prints the API server URL and the kubelet port, runs until SIGINT or SIGTERM.
 *
 * @module
 */
import { parseSimArgs, simUsage } from './args.js';
import { startSimCluster } from './index.js';

async function main(): Promise<void> {
  let options;
  try {
    options = parseSimArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`sim: ${error instanceof Error ? error.message : String(error)}\n${simUsage}\n`);
    process.exitCode = 2;
    return;
  }
  if (options === 'help') {
    process.stdout.write(`${simUsage}\n`);
    return;
  }
  const startedMs = Date.now();
  const sim = await startSimCluster(options);
  const { nodes, podCount } = sim.cluster;
  process.stdout.write(
    `sim: API server ${sim.apiUrl}\n` +
      `sim: kubelets on port ${sim.kubeletPort} at ${nodes[0]?.address ?? '-'} … ${nodes[nodes.length - 1]?.address ?? '-'}\n` +
      `sim: ${nodes.length} nodes, ${podCount} pods, ready in ${Date.now() - startedMs} ms\n`,
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`sim: ${signal}, closing\n`);
    sim.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`sim: close failed: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
  // The listeners keep the process alive; churn runs on an unref'd timer.
}

main().catch((error: unknown) => {
  process.stderr.write(`sim: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
