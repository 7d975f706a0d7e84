import type { Client } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import type { ClusterHealth } from '../app/clusterHealth.ts';
import type { PluginRegistry } from '../plugins/PluginRegistry.ts';
import type { Logger } from '../runtime/logger.ts';

export interface ApiServerOptions {
  readonly client: Client;
  readonly specPath: string;
  readonly taskQueue: string;
  readonly registry: PluginRegistry;
  /** The bearer token every /api/v1 request but health must carry. */
  readonly token: string;
  /** Request logs (pino); default a `dbarch-api` logger at DBARCH_LOG_LEVEL. */
  readonly logger?: Logger;
  /**
   * How long a migration with an approval gate may take to reach its gate (lint, test, report) before the answer
   * is 202 `running`; default 10 minutes.
   */
  readonly gateWaitMs?: number;
  /** Payload encryption in use (DBARCH_PAYLOAD_KEYS): serves it as the codec endpoint the Web UI is pointed at. */
  readonly codec?: PayloadCodec;
  /** The health endpoints' checker; default one for `specPath` on DATABASE_URL, closed with the server. */
  readonly health?: ClusterHealth;
  /** Origin of the Web UI, allowed to call the codec endpoint from the browser. */
  readonly uiOrigin?: string;
  /** The Web UI's address, for the status page's links to running workflows. */
  readonly uiUrl?: string;
  /** Alertmanager's address, for the status page's firing alerts. */
  readonly alertmanagerUrl?: string;
  /** The control database (published topologies); default DATABASE_URL. */
  readonly controlUrl?: string;
}
