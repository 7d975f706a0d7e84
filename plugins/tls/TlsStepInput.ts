import type { ClusterTls } from '../../activities/tls/ClusterTls.ts';
import type { ClusterSpec } from '../../compiler/sections/clusters/schema.ts';

/** The input of tls/rotate: the spec's managed clusters and TLS (step defaults from the sections), which cluster, force. */
export interface TlsStepInput {
  readonly tls: ClusterTls;
  readonly clusters: readonly ClusterSpec[];
  /** One cluster; default every managed cluster of the spec. */
  readonly cluster?: string;
  /** Reissue every certificate, due or not. */
  readonly force?: boolean;
}
