import { defineCodes } from './ErrorCodeInfo.ts';

/** Codes of managed HA clusters: their topology in the spec, provisioning, the published topology, health. */
export const clusterCodes = defineCodes({
  DBA_SPEC_CLUSTER_NO_PRIMARY: {
    summary: 'A cluster has neither a `primary` connection reference nor `members`, so nothing says where it runs.',
    hint: 'Give `primary` (and `replicas`) for a cluster dbarch does not manage, or `members` for one it provisions.',
    retryable: false,
  },
  DBA_SPEC_CLUSTER_MANAGED_URL: {
    summary: 'A cluster gives `members` together with `primary` or `replicas`; with members, dbarch derives the URLs.',
    hint: 'Remove `primary`/`replicas` (the live primary comes from the published topology), or remove `members`.',
    retryable: false,
  },
  DBA_SPEC_CLUSTER_UNMANAGED: {
    summary: '`replication` or `data_directory` is given for a cluster without `members`; dbarch only configures clusters it manages.',
    hint: 'Add `members`, or remove the setting and configure replication on the servers yourself.',
    retryable: false,
  },
  DBA_SPEC_CLUSTER_SYNC_COUNT: {
    summary: 'Synchronous replication asks for more standbys than the cluster has replicas.',
    hint: 'Lower `replication.synchronous.count` to at most the number of members minus one, add members, or use `mode: async`.',
    retryable: false,
  },
  DBA_SPEC_CLUSTER_SYNC_UNUSED: {
    summary: '`replication.synchronous` is given but the mode is `async`, so it would have no effect.',
    hint: 'Set `mode: sync` (or `strict`), or remove `synchronous`.',
    retryable: false,
  },
  DBA_SPEC_CLUSTER_MEMBER_ADDRESS: {
    summary: 'Two cluster members listen on the same host and port.',
    hint: 'Give each member its own port (members of all clusters share the machine\'s ports).',
    retryable: false,
  },
  DBA_SPEC_MESH_NOT_MEMBER: {
    summary: 'A service-mesh database service names a managed cluster but lists an endpoint that is not one of its members.',
    hint: 'List only the cluster\'s members (host and port as in `clusters[].members`), or fix the `cluster:` name.',
    retryable: false,
  },
  DBA_CLUSTER_UNKNOWN: {
    summary: 'The cluster named on the command line is not in the spec, or has no `members` for dbarch to manage.',
    hint: 'Name a cluster of `clusters[]` that has `members` (the message lists them).',
    retryable: false,
  },
  DBA_CLUSTER_NOT_LOCAL: {
    summary: 'A member to provision does not listen on a loopback address; `dbarch cluster up` provisions on this machine only.',
    hint: 'Use 127.0.0.1 (or another loopback address) for members dbarch provisions here.',
    retryable: false,
  },
  DBA_CLUSTER_PORT_TAKEN: {
    summary: 'A member\'s port is taken by a server that is not that member (another program or another cluster).',
    hint: 'Stop whatever listens on the port (the message names it), or give the member another port.',
    retryable: false,
  },
  DBA_CLUSTER_MEMBER_UNREACHABLE: {
    summary: 'A member that should run (its server process is alive, or it must serve as the primary) does not answer within the check timeout.',
    hint: 'Look at the member\'s log (`<data_directory>/<cluster>/<member>/log/`); fix or stop it, then run the command again.',
    retryable: true,
  },
  DBA_CLUSTER_TOOL_FAILED: {
    summary: 'A PostgreSQL server program (initdb, pg_ctl, pg_basebackup, pg_rewind) failed.',
    hint: 'The message carries the program\'s output; fix the cause (disk, permissions, a blocked port) and run the command again.',
    retryable: false,
  },
  DBA_CLUSTER_BINARIES_MISSING: {
    summary: 'The PostgreSQL server programs (initdb, pg_ctl, pg_basebackup, pg_rewind) were not found.',
    hint: 'Install the server package (`apt-get install postgresql-15`) or set DBARCH_PG_BINDIR to its bin directory.',
    retryable: false,
  },
  DBA_CLUSTER_NO_PRIMARY: {
    summary: 'No running member of the cluster is a primary, so there is nothing to replicate from.',
    hint: 'Run `dbarch cluster up` (it starts the members), or fail over to a replica first.',
    retryable: true,
  },
  DBA_CLUSTER_SPLIT_BRAIN: {
    summary: 'More than one member of the cluster runs as a primary.',
    hint: 'Stop the member that is not the published primary (`dbarch topology` shows it), then `dbarch cluster rejoin` it.',
    retryable: false,
  },
  DBA_CLUSTER_REJOIN_INVALID: {
    summary: 'A rejoin was asked for a member that cannot rejoin: it is the current primary, it is unknown, or it has no data directory.',
    hint: 'Rejoin a former primary or a broken standby; a member that was never provisioned is created by `dbarch cluster up`.',
    retryable: false,
  },
  DBA_TOPOLOGY_EPOCH_CONFLICT: {
    summary: 'The published topology changed since it was read (its epoch moved on), so this change was not published.',
    hint: 'Another publisher won; read the topology again and decide anew. Two publishers can never both win.',
    retryable: false,
  },
  DBA_TOPOLOGY_UNPUBLISHED: {
    summary: 'No topology has been published for the cluster yet.',
    hint: 'Run `dbarch cluster up <spec> --cluster <name>`; it publishes the initial topology.',
    retryable: false,
  },
});
