import pg from 'pg';
import { topologyChannel, type ClusterTopology, type TopologyNotification } from './ClusterTopology.ts';
import { readTopology } from './readTopology.ts';

export interface TopologyListener {
  /** Resolves once the first LISTEN is in place and the current topology was delivered (if one is published). */
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

export interface ListenTopologyOptions {
  /** Called with each newer topology of the cluster, in epoch order (older or repeated epochs are dropped). */
  readonly onTopology: (topology: ClusterTopology, notification: TopologyNotification | undefined) => void;
  /** Connection errors; the listener reconnects by itself. */
  readonly onError?: (error: Error) => void;
  /** Longest wait between reconnect attempts (default 2 s). */
  readonly maxBackoffMs?: number;
}

/**
 * Follows one cluster's published topology: LISTEN on the topology channel, and on every (re)connect read the
 * current row, so a change made while the connection was down is never missed (NOTIFY is not queued for absent
 * listeners). Each notification re-reads the row, so the callback always gets the whole committed topology.
 */
export function listenTopology(controlUrl: string, cluster: string, options: ListenTopologyOptions): TopologyListener {
  let closed = false;
  let client: pg.Client | undefined;
  let lastEpoch = 0;
  let backoff = 100;
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  let timer: NodeJS.Timeout | undefined;

  const deliver = async (db: pg.Client, notification: TopologyNotification | undefined) => {
    const topology = await readTopology(db, cluster);
    if (topology === undefined || topology.epoch <= lastEpoch) return;
    lastEpoch = topology.epoch;
    options.onTopology(topology, notification);
  };

  const connect = async () => {
    if (closed) return;
    const db = new pg.Client({ connectionString: controlUrl, application_name: `dbarch:topology:${cluster}`, keepAlive: true });
    client = db;
    const retry = (error: Error) => {
      if (client !== db || closed) return;
      client = undefined;
      options.onError?.(error);
      void db.end().catch(() => undefined);
      timer = setTimeout(() => void connect(), backoff);
      backoff = Math.min(backoff * 2, options.maxBackoffMs ?? 2000);
    };
    db.on('error', retry);
    db.on('end', () => retry(new Error('the topology listener\'s connection ended')));
    db.on('notification', (message) => {
      if (message.channel !== topologyChannel || message.payload === undefined) return;
      let payload: TopologyNotification;
      try {
        payload = JSON.parse(message.payload) as TopologyNotification;
      } catch {
        return;
      }
      if (payload.cluster !== cluster || payload.epoch <= lastEpoch) return;
      deliver(db, payload).catch((error: unknown) => options.onError?.(error as Error));
    });
    try {
      await db.connect();
      await db.query(`LISTEN ${pg.escapeIdentifier(topologyChannel)}`);
      await deliver(db, undefined);
      backoff = 100;
      markReady();
    } catch (error) {
      retry(error as Error);
    }
  };
  void connect();

  return {
    ready,
    async close() {
      closed = true;
      clearTimeout(timer);
      const db = client;
      client = undefined;
      markReady();
      await db?.end().catch(() => undefined);
    },
  };
}
