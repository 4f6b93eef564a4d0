/** A local pool's worker process: runs the trials it is sent, one at a time, asking the pool about pruning. */
import type { PruneDecision } from './asha.js';
import { runTrial } from './trial.js';
import type { FromWorker, ToWorker } from './local-worker-messages.js';

const send = (m: FromWorker): void => void process.send!(m);
const pending = new Map<number, (d: PruneDecision) => void>();
let nextRequest = 0;
let controller: AbortController | null = null;

// Ctrl-C in the terminal reaches every process of the group; the coordinator decides, via 'stop'.
process.on('SIGINT', () => {});

process.on('message', (m: ToWorker) => {
  switch (m.type) {
    case 'run': {
      controller = new AbortController();
      const pruner = (trialId: number, epoch: number, value: number): Promise<PruneDecision> => new Promise((resolve) => {
        const requestId = nextRequest++;
        pending.set(requestId, resolve);
        send({ type: 'report', requestId, trialId, epoch, value });
      });
      runTrial(m.job, pruner, controller.signal)
        .then((outcome) => send({ type: 'done', outcome }))
        .catch((err: unknown) => send({ type: 'failed', error: err instanceof Error ? err.message.split('\n')[0]! : String(err) }));
      break;
    }
    case 'decision':
      pending.get(m.requestId)?.(m.decision);
      pending.delete(m.requestId);
      break;
    case 'stop':
      controller?.abort();
      break;
    case 'exit':
      process.exit(0);
  }
});
