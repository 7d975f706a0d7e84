import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { Logger } from './logger.ts';

export const workflowsPath = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

let cached: Promise<WorkflowBundleWithSourceMap> | undefined;

/** Bundles workflows/ once per process (webpack takes seconds); every worker in the process shares it. */
export function workflowBundle(log?: Logger): Promise<WorkflowBundleWithSourceMap> {
  cached ??= bundleWorkflowCode({
    workflowsPath,
    logger: log
      ? {
          trace: () => undefined,
          debug: () => undefined,
          info: (message, meta) => log.debug(meta ?? {}, message),
          warn: (message, meta) => log.warn(meta ?? {}, message),
          error: (message, meta) => log.error(meta ?? {}, message),
          log: (_level, message, meta) => log.debug(meta ?? {}, message),
        }
      : undefined,
  });
  return cached;
}
