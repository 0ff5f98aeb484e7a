/**
 * Run as a child process by informers-exit.test.ts: starts the fake API server and the
 * informers, leaves them mid-recovery (server down, restarts pending, watches stalled, long
 * watchdog and resync timers armed), stops everything and then simply returns. If stop()
 * left any timer or socket behind, this process would not exit on its own.
 */
import { kubeResources } from '../../src/kube/informers.js';
import { createInformerHarness, podObject } from './cluster.js';

const harness = await createInformerHarness({ watchdogMs: 300_000, resyncMs: 3_600_000, backoff: { initialMs: 5_000, maxMs: 30_000 } });
await harness.informers.start();
harness.server.store.upsert('pods', podObject('scraper', 'churn'));
harness.server.faults.stallWatches(true);
harness.server.store.upsert('pods', podObject('scraper', 'held-back'));
harness.server.faults.setDown(true);
// Wait until every informer has failed and armed a 5 s restart timer.
const deadline = Date.now() + 5_000;
while (kubeResources.some((resource) => harness.informers.status()[resource].phase !== 'restarting') && Date.now() < deadline) {
  await new Promise((resolve) => setTimeout(resolve, 10));
}
const phasesBeforeStop = kubeResources.map((resource) => harness.informers.status()[resource].phase);
await harness.close();
const closedAtMs = Date.now();
const phasesAfterStop = kubeResources.map((resource) => harness.informers.status()[resource].phase);
// Anything left armed (a 4-5 s restart, the 5 min watchdog, the 1 h resync) would delay this.
process.on('exit', () => {
  process.stdout.write(`${JSON.stringify({ phasesBeforeStop, phasesAfterStop, exitDelayMs: Date.now() - closedAtMs })}\n`);
});
