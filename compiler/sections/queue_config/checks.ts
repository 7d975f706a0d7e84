import path from 'node:path';
import { suggestionHint } from '../../didYouMean.ts';
import { topicBindingProblem } from '../../grammar/topicBinding.ts';
import { checkDatabaseReference } from '../clusters/checkDatabaseReference.ts';
import type { SectionCheckContext } from '../../SectionDefinition.ts';
import { reportDuplicates } from '../reportDuplicates.ts';
import { checkEventSchemas } from './checkEventSchemas.ts';
import type { QueueConfig } from './schema.ts';

export function checkQueueConfig(config: QueueConfig, ctx: SectionCheckContext): void {
  const exchangeNames = config.exchanges.map((e) => e.name);
  reportDuplicates(ctx, config.exchanges.map((e, i) => ({ value: e.name, path: ['exchanges', i, 'name'] })), 'exchange');
  config.exchanges.forEach((exchange, i) => {
    const queues = exchange.queues ?? [];
    reportDuplicates(ctx, queues.map((q, j) => ({ value: q.name, path: ['exchanges', i, 'queues', j, 'name'] })), 'queue');
    queues.forEach((queue, j) => {
      const at = ['exchanges', i, 'queues', j] as const;
      const bad = (key: string, message: string, hint?: string) => ctx.error([...at, key], 'DBA_SPEC_QUEUE_BINDING', message, hint);
      switch (exchange.type) {
        case 'topic': {
          if (queue.binding_key === undefined) bad('name', `queue \`${queue.name}\` on topic exchange \`${exchange.name}\` has no binding_key`, 'add `binding_key:`, e.g. `user.*`');
          else {
            const problem = topicBindingProblem(queue.binding_key);
            if (problem !== undefined) bad('binding_key', `binding key "${queue.binding_key}" ${problem}`, 'write e.g. `inventory.*` or `orders.#`');
          }
          break;
        }
        case 'direct':
          if (queue.binding_key === undefined) bad('name', `queue \`${queue.name}\` on direct exchange \`${exchange.name}\` has no binding_key`, 'add the exact routing key as `binding_key:`');
          else if (/[*#]/.test(queue.binding_key)) bad('binding_key', `direct exchange \`${exchange.name}\` matches keys exactly; "${queue.binding_key}" would only match a literal \`*\`/\`#\``, 'use a topic exchange for wildcards, or write the exact key');
          break;
        case 'fanout':
          if (queue.binding_key !== undefined) bad('binding_key', `fanout exchange \`${exchange.name}\` ignores binding keys`, 'remove `binding_key`, or use a direct or topic exchange to route by key');
          break;
        case 'headers':
          if (queue.binding_headers === undefined) bad('name', `queue \`${queue.name}\` on headers exchange \`${exchange.name}\` has no binding_headers`, 'add `binding_headers:` with the header values to match');
          if (queue.binding_key !== undefined) bad('binding_key', `headers exchange \`${exchange.name}\` ignores binding keys`, 'match on `binding_headers` instead');
          break;
      }
      if (exchange.type !== 'headers' && (queue.binding_headers !== undefined || queue.match !== undefined)) {
        bad(queue.binding_headers !== undefined ? 'binding_headers' : 'match', `\`binding_headers\`/\`match\` only apply to headers exchanges, and \`${exchange.name}\` is ${exchange.type}`);
      }
      if (queue.dead_letter_exchange !== undefined && !exchangeNames.includes(queue.dead_letter_exchange)) {
        ctx.error([...at, 'dead_letter_exchange'], 'DBA_SPEC_UNKNOWN_REFERENCE', `no exchange named \`${queue.dead_letter_exchange}\``, suggestionHint(queue.dead_letter_exchange, exchangeNames));
      }
    });
  });
  const outbox = config.outbox;
  if (outbox !== undefined && !exchangeNames.includes(outbox.exchange)) {
    ctx.error(['outbox', 'exchange'], 'DBA_SPEC_UNKNOWN_REFERENCE', `outbox publishes to \`${outbox.exchange}\`, which is not declared in \`exchanges\``, suggestionHint(outbox.exchange, exchangeNames));
  }
  if (outbox?.table !== undefined && outbox.table !== 'outbox_events') {
    ctx.error(['outbox', 'table'], 'DBA_SPEC_INVALID', `the outbox table is dbarch.outbox_events, made by dbarch's own migrations; \`${outbox.table}\` is not supported`, 'remove `table:` (or write `outbox_events`)');
  }
  if (outbox !== undefined) checkDatabaseReference(ctx, outbox, ['outbox', 'cluster'], ['outbox', 'database']);
  if (outbox?.schemas !== undefined) checkEventSchemas(path.resolve(ctx.baseDir, outbox.schemas), ctx);
}
