/**
 * Where the record that names a cluster's primary lives and how to change it: the spec's
 * `failover_procedure.dns` block, as written (snake_case, secrets as references resolved on the worker).
 */
export type DnsRecordSettings = PowerDnsRecordSettings | Route53RecordSettings;

export type DnsRecordType = 'A' | 'AAAA' | 'CNAME';

interface CommonRecordSettings {
  /** Absolute record name, e.g. `primary.db.example.com.` (a missing final dot is added). */
  readonly name: string;
  readonly type: DnsRecordType;
  /** Seconds; short, since clients keep the old primary for this long after a failover. Default 30. */
  readonly ttl?: number;
}

export interface PowerDnsRecordSettings extends CommonRecordSettings {
  readonly provider: 'powerdns';
  /** The REST API's base URL (`http://127.0.0.1:8081`); `/api/v1` is appended. */
  readonly api_url: string;
  /** `${ENV}` reference to the API key (X-API-Key). */
  readonly api_key: string;
  /** The zone that holds the record, e.g. `db.example.com.`. */
  readonly zone: string;
  /** PowerDNS server id, `localhost` unless the API is a multi-server one. */
  readonly server_id?: string;
}

export interface Route53RecordSettings extends CommonRecordSettings {
  readonly provider: 'route53';
  readonly hosted_zone_id: string;
  /** The Route53 API endpoint; AWS's own when absent (a test or a VPC endpoint sets it). */
  readonly endpoint?: string;
  /** Default us-east-1 (Route53 is global; the region only signs requests). Credentials: the worker's AWS chain. */
  readonly region?: string;
}

/**
 * The input of `dns/update_record`: the settings plus the value the record must hold, which the failover
 * procedure fills in from the promoted member (its IP for A/AAAA, its host name for CNAME).
 */
export type DnsUpdateRecordInput = DnsRecordSettings & {
  readonly value: string;
};

export interface DnsUpdateRecordOutput {
  readonly provider: DnsRecordSettings['provider'];
  readonly name: string;
  readonly type: DnsRecordType;
  readonly value: string;
  readonly ttl: number;
  /** False when the record already held exactly this value and TTL: nothing was written. */
  readonly changed: boolean;
  /** What the record held before (empty when it did not exist). */
  readonly previous: readonly string[];
  /** Route53's change id, for GetChange. */
  readonly changeId?: string;
}

export const defaultDnsTtl = 30;
