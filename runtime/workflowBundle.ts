import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { Logger } from './logger.ts';

export const workflowsPath = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

const cached = new Map<string, Promise<WorkflowBundleWithSourceMap>>();

/**
 * Bundles workflows/ once per process and failure converter (webpack takes seconds); every worker in the process
 * with the same data converter shares it. A worker whose data converter names a failureConverterPath needs a bundle
 * built with it (the SDK refuses the pair otherwise).
 */
export function workflowBundle(log?: Logger, failureConverterPath?: string): Promise<WorkflowBundleWithSourceMap> {
  const key = failureConverterPath ?? '';
  const existing = cached.get(key);
  if (existing !== undefined) return existing;
  const made = bundleWorkflowCode({
    workflowsPath,
    ...(failureConverterPath === undefined ? {} : { failureConverterPath }),
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
  cached.set(key, made);
  return made;
}
