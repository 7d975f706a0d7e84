import { DbarchError } from '../../errors/DbarchError.ts';
import type { QueueTopology } from './QueueTopology.ts';

/** Refuses a topology whose bindings or dead-letter exchanges name what it does not declare, before touching the broker. */
export function checkTopology(topology: QueueTopology): void {
  const exchanges = new Set(topology.exchanges.map((e) => e.name));
  const queues = new Set(topology.queues.map((q) => q.name));
  const problems: string[] = [];
  for (const binding of topology.bindings) {
    if (!exchanges.has(binding.exchange)) problems.push(`binding of queue ${binding.queue} names undeclared exchange ${binding.exchange}`);
    if (!queues.has(binding.queue)) problems.push(`binding to exchange ${binding.exchange} names undeclared queue ${binding.queue}`);
  }
  for (const queue of topology.queues) {
    const dlx = queue.arguments['x-dead-letter-exchange'];
    if (typeof dlx === 'string' && dlx !== '' && !exchanges.has(dlx)) problems.push(`queue ${queue.name} dead-letters to undeclared exchange ${dlx}`);
  }
  if (problems.length > 0) throw new DbarchError('DBA_QUEUE_TOPOLOGY_INVALID', `the queue topology is inconsistent: ${problems.join('; ')}`, { details: { problems } });
}
