-- dbarch.cluster_topology and dbarch.cluster_topology_history: the published topology of each managed cluster
-- (which member is the primary, its URL, the replicas, the timeline) with an epoch that grows by one with every
-- change and serves as the fencing token; and one history row per epoch with its kind and reason
-- (activities/topology/ClusterTopology.ts is the contract, with its NOTIFY payload on channel dbarch_topology).
CREATE TABLE dbarch.cluster_topology (
  cluster text PRIMARY KEY,
  epoch bigint NOT NULL CHECK (epoch > 0),
  primary_member text NOT NULL,
  primary_url text NOT NULL,
  -- [{ "member": "ha2", "url": "postgres://…" }, …]
  replicas jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(replicas) = 'array'),
  -- Members that must never be written through dbarch again until they rejoin as standbys.
  fenced text[] NOT NULL DEFAULT '{}',
  timeline integer,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE dbarch.cluster_topology_history (
  cluster text NOT NULL,
  epoch bigint NOT NULL,
  kind text NOT NULL CHECK (kind IN ('initial', 'failover', 'switchover', 'rejoin', 'replication', 'manual')),
  reason text NOT NULL,
  primary_member text NOT NULL,
  primary_url text NOT NULL,
  replicas jsonb NOT NULL,
  fenced text[] NOT NULL,
  timeline integer,
  -- Who published (an activity's idempotency key), so a retried publish finds its own change.
  origin text,
  -- Measurements and decisions of the change (detection time, chosen LSN, …), as the publisher reports them.
  details jsonb NOT NULL DEFAULT '{}'::jsonb,
  changed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (cluster, epoch)
);

CREATE UNIQUE INDEX cluster_topology_history_origin ON dbarch.cluster_topology_history (cluster, origin) WHERE origin IS NOT NULL;
