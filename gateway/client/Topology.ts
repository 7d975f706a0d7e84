import pg from 'pg';
import type { ClusterTopology } from '../../activities/topology/ClusterTopology.ts';
import { listenTopology, type TopologyListener } from '../../activities/topology/listenTopology.ts';
import type { Logger } from '../../runtime/logger.ts';
import type { DataPlaneTarget } from './DataPlaneTarget.ts';
import { Endpoint, type EndpointStatus } from './Endpoint.ts';
import { LagTracker } from './LagTracker.ts';
import type { Lsn } from './Lsn.ts';
import { isTlsFailure } from './isTlsFailure.ts';
import { probeEndpoint } from './probeEndpoint.ts';

/**
 * The endpoints of one target and what they are: probed at the health-check interval (role, WAL position, lag,
 * up/down by the thresholds), and the choice of an endpoint per read preference. Replica reads are spread by
 * smooth weighted round robin (nginx's), so shares follow the weights exactly rather than on average.
 *
 * For a cluster dbarch manages, the published topology (LISTEN on the control database) has the last word: only
 * the member it names primary takes writes and a fenced member takes nothing, so a killed primary that comes
 * back still saying "primary" gets no write through dbarch. A change published triggers a probe round at once.
 */
export class Topology {
  readonly endpoints: readonly Endpoint[];
  readonly #target: DataPlaneTarget;
  readonly #lag = new LagTracker();
  readonly #probeClients = new Map<Endpoint, pg.Client>();
  readonly #logger: Logger | undefined;
  #primary: Endpoint | undefined;
  #published: ClusterTopology | undefined;
  #listener: TopologyListener | undefined;
  #round: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #ready: Promise<void> | undefined;
  #closed = false;
  isReady = false;

  constructor(target: DataPlaneTarget, logger: Logger | undefined, types?: pg.CustomTypesConfig) {
    this.#target = target;
    this.#logger = logger;
    this.endpoints = target.endpoints.map((e) => new Endpoint(e, target, target.pool.max, types));
  }

  /** Resolves after the first probe round; starts probing on first call. */
  whenReady(): Promise<void> {
    this.#ready ??= this.#followPublished().then(() => this.refresh()).then(() => {
      this.isReady = true;
      if (this.#closed) return;
      this.#timer = setInterval(() => void this.#probeRound(), this.#target.health.intervalMs);
      this.#timer.unref();
    });
    return this.#ready;
  }

  /** A probe round that starts after this call (waits for a running one first). */
  async refresh(): Promise<void> {
    await this.#round;
    await this.#probeRound();
  }

  get primary(): Endpoint | undefined {
    const primary = this.#primary;
    return primary !== undefined && primary.up && primary.callable && this.#writable(primary) ? primary : undefined;
  }

  /** The published topology of a managed cluster, once read. */
  get published(): ClusterTopology | undefined {
    return this.#published;
  }

  /** The last primary seen, up or not (getPrimary()). */
  get lastPrimary(): Endpoint | undefined {
    return this.#primary;
  }

  readable(endpoint: Endpoint): boolean {
    return endpoint.role === 'replica' && !this.#fenced(endpoint) && endpoint.up && endpoint.weight > 0 && endpoint.callable && (endpoint.lagMs ?? Number.POSITIVE_INFINITY) <= this.#target.health.maxReplicationLagMs;
  }

  /** A replica for a read, by weight; with `atLeast`, one known to have replayed that far if any. */
  pickReplica(atLeast?: Lsn, exclude?: ReadonlySet<Endpoint>): Endpoint | undefined {
    let candidates = this.endpoints.filter((e) => this.readable(e) && exclude?.has(e) !== true);
    if (atLeast !== undefined) {
      const caughtUp = candidates.filter((e) => e.position >= atLeast);
      if (caughtUp.length > 0) candidates = caughtUp;
    }
    return smoothWeighted(candidates);
  }

  /** The readable replica or primary with the shortest probe round trip. */
  pickNearest(): Endpoint | undefined {
    const primary = this.primary;
    const candidates = this.endpoints.filter((e) => e === primary || this.readable(e));
    return candidates.reduce<Endpoint | undefined>((best, e) => (best === undefined || e.rttMs < best.rttMs ? e : best), undefined);
  }

  status(): EndpointStatus[] {
    return this.endpoints.map((e) => e.status(this.readable(e)));
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    await this.#listener?.close();
    await this.#round;
    await Promise.all([...this.#probeClients.values()].map((c) => c.end().catch(() => undefined)));
    await Promise.all(this.endpoints.map((e) => e.pool.end()));
  }

  #probeRound(): Promise<void> {
    this.#round ??= this.#probeAll().finally(() => (this.#round = undefined));
    return this.#round;
  }

  async #probeAll(): Promise<void> {
    if (this.#closed) return;
    const results = await Promise.all(this.endpoints.map(async (e) => {
      const started = performance.now();
      try {
        const result = await probeEndpoint(await this.#probeClient(e));
        e.rttMs = performance.now() - started;
        e.tlsFailure = undefined;
        return result;
      } catch (error) {
        this.#dropProbeClient(e);
        e.tlsFailure = isTlsFailure(error) ? (error as Error) : undefined;
        this.#logger?.debug({ endpoint: e.key, err: error }, 'probe failed');
        return undefined;
      }
    }));
    const now = Date.now();
    const { healthyThreshold, unhealthyThreshold } = this.#target.health;
    results.forEach((result, i) => {
      const e = this.endpoints[i]!;
      if (result === undefined) {
        e.failuresInARow += 1;
        e.successesInARow = 0;
        if (e.up && e.failuresInARow >= unhealthyThreshold) {
          e.up = false;
          this.#logger?.warn({ endpoint: e.key, role: e.role }, 'endpoint down');
        }
        return;
      }
      const firstAnswer = e.role === 'unknown';
      e.successesInARow += 1;
      e.failuresInARow = 0;
      e.role = result.standby ? 'replica' : 'primary';
      e.position = result.position > e.position || e.role === 'primary' ? result.position : e.position;
      if (!e.up && (firstAnswer || e.successesInARow >= healthyThreshold)) {
        e.up = true;
        if (!firstAnswer) this.#logger?.info({ endpoint: e.key, role: e.role }, 'endpoint up');
      }
    });
    // Two servers claiming primary (a split brain, or a failover in progress): trust the heavier, then the first listed.
    const primaries = this.endpoints.filter((e) => e.role === 'primary' && e.up && this.#writable(e));
    const last = this.#primary !== undefined && this.#writable(this.#primary) ? this.#primary : undefined;
    this.#primary = primaries.reduce<Endpoint | undefined>((best, e) => (best === undefined || e.weight > best.weight ? e : best), undefined) ?? last;
    const primary = this.#primary;
    if (primary?.up !== true) return;
    this.#lag.record(now, primary.position);
    for (const e of this.endpoints) {
      if (e.role !== 'replica') continue;
      e.lagBytes = Number(primary.position > e.position ? primary.position - e.position : 0n);
      e.lagMs = this.#lag.lagMs(e.position, now);
    }
  }

  /** Without a published topology every server claiming primary may be it; with one, only the member it names. */
  #writable(e: Endpoint): boolean {
    return this.#published === undefined || e.member === this.#published.primary.member;
  }

  #fenced(e: Endpoint): boolean {
    return e.member !== undefined && this.#published?.fenced.includes(e.member) === true;
  }

  /**
   * Starts following the published topology and waits for its first answer, at most one health timeout: an
   * unreachable control database must not keep the data plane down, so the servers' answers then decide alone
   * until the listener gets through.
   */
  async #followPublished(): Promise<void> {
    const source = this.#target.published;
    if (source === undefined || this.#closed) return;
    this.#listener = listenTopology(source.controlUrl, source.cluster, {
      onTopology: (topology) => {
        this.#published = topology;
        this.#logger?.info({ cluster: topology.cluster, epoch: topology.epoch, primary: topology.primary.member, fenced: topology.fenced }, 'published topology');
        if (this.isReady) void this.refresh();
      },
      onError: (error) => this.#logger?.debug({ err: error, cluster: source.cluster }, 'topology listener reconnecting'),
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.#target.health.timeoutMs)));
    await Promise.race([this.#listener.ready, timeout]);
    clearTimeout(timer);
  }

  async #probeClient(e: Endpoint): Promise<pg.Client> {
    const existing = this.#probeClients.get(e);
    if (existing !== undefined) return existing;
    const t = this.#target;
    const client = new pg.Client({
      host: e.host, port: e.port, user: t.user, password: t.password, database: t.database,
      connectionTimeoutMillis: t.health.timeoutMs,
      query_timeout: t.health.timeoutMs,
      application_name: `dbarch-probe:${t.name}`,
      ...(t.ssl === undefined ? {} : { ssl: t.ssl }),
    });
    client.on('error', () => this.#dropProbeClient(e));
    this.#probeClients.set(e, client);
    try {
      await client.connect();
    } catch (error) {
      this.#dropProbeClient(e);
      throw error;
    }
    return client;
  }

  #dropProbeClient(e: Endpoint): void {
    const client = this.#probeClients.get(e);
    if (client === undefined) return;
    this.#probeClients.delete(e);
    void client.end().catch(() => undefined);
  }
}

function smoothWeighted(candidates: readonly Endpoint[]): Endpoint | undefined {
  let total = 0;
  let best: Endpoint | undefined;
  for (const e of candidates) {
    e.current += e.weight;
    total += e.weight;
    if (best === undefined || e.current > best.current) best = e;
  }
  if (best !== undefined) best.current -= total;
  return best;
}
