import { defineCodes } from './ErrorCodeInfo.ts';

/** Codes of the DNS capability: the record that names a cluster's primary, at PowerDNS or Route53. */
export const dnsCodes = defineCodes({
  DBA_DNS_INPUT: {
    summary: 'The DNS record to write is malformed: an A value that is not an IPv4 address, an AAAA value that is not IPv6, a CNAME target or record name that is not a host name, a record outside its zone, or a secret that does not resolve.',
    hint: 'A and AAAA records take the new primary\'s IP address; use type CNAME when members are named by host names. Names are absolute (end with a dot) and inside the zone.',
    retryable: false,
  },
  DBA_DNS_UNREACHABLE: {
    summary: 'The DNS provider\'s API did not answer, timed out, or answered with a server error.',
    hint: 'Check the API address (failover_procedure.dns.api_url or endpoint) and that the server runs; the step is retried.',
    retryable: true,
  },
  DBA_DNS_REFUSED: {
    summary: 'The DNS provider refused the credentials (PowerDNS API key, AWS credentials) or the permission to change the record.',
    hint: 'Check the API key reference (failover_procedure.dns.api_key) or the AWS credentials of the worker and their route53:ChangeResourceRecordSets permission.',
    retryable: false,
  },
  DBA_DNS_ZONE_NOT_FOUND: {
    summary: 'The DNS provider has no zone (PowerDNS) or hosted zone (Route53) of the configured name or id.',
    hint: 'Create the zone first, or fix failover_procedure.dns.zone / hosted_zone_id; nothing was changed.',
    retryable: false,
  },
  DBA_DNS_REJECTED: {
    summary: 'The DNS provider rejected the change itself (invalid record content, a CNAME beside other records of that name, a conflicting change).',
    hint: 'The message carries the provider\'s reason; fix the record in the spec. Nothing was changed.',
    retryable: false,
  },
});
