import { isIP } from 'node:net';
import { DbarchError } from '../../errors/DbarchError.ts';
import { defaultDnsTtl, type DnsRecordType, type DnsUpdateRecordInput } from './DnsRecordInput.ts';

/** A record as the providers compare and write it: absolute names, the value in the form the server returns. */
export interface NormalizedDnsRecord {
  readonly name: string;
  readonly type: DnsRecordType;
  readonly value: string;
  readonly ttl: number;
}

const label = /^(?!-)[a-z0-9_-]{1,63}(?<!-)$/;

/** Lower case with a final dot; refuses what is not a host name (so `1.2.3.4` as a CNAME target is caught). */
export function absoluteName(text: string, what: string): string {
  const name = (text.endsWith('.') ? text : `${text}.`).toLowerCase();
  const labels = name.slice(0, -1).split('.');
  if (name.length > 254 || labels.some((part) => !label.test(part)) || isIP(name.slice(0, -1)) !== 0) {
    throw new DbarchError('DBA_DNS_INPUT', `${what} "${text}" is not a host name`);
  }
  return name;
}

/** Checks the value against the record type before anything is sent, so a wrong spec fails once, not per retry. */
export function normalizeDnsRecord(input: DnsUpdateRecordInput): NormalizedDnsRecord {
  const name = absoluteName(input.name, 'record name');
  const ttl = input.ttl ?? defaultDnsTtl;
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > 86_400) throw new DbarchError('DBA_DNS_INPUT', `ttl ${ttl} is not a whole number of seconds from 1 to 86400`);
  let value: string;
  switch (input.type) {
    case 'A':
      if (isIP(input.value) !== 4) throw new DbarchError('DBA_DNS_INPUT', `A record ${name}: "${input.value}" is not an IPv4 address`);
      value = input.value;
      break;
    case 'AAAA':
      if (isIP(input.value) !== 6) throw new DbarchError('DBA_DNS_INPUT', `AAAA record ${name}: "${input.value}" is not an IPv6 address`);
      value = input.value.toLowerCase();
      break;
    case 'CNAME':
      value = absoluteName(input.value, `CNAME target of ${name}`);
      break;
  }
  if (input.provider === 'powerdns') {
    const zone = absoluteName(input.zone, 'zone');
    if (name !== zone && !name.endsWith(`.${zone}`)) throw new DbarchError('DBA_DNS_INPUT', `record ${name} is not inside zone ${zone}`);
  }
  return { name, type: input.type, value, ttl };
}
