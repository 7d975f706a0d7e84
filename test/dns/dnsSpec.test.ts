import { expect } from 'chai';
import path from 'node:path';
import { compileSpec } from '../../compiler/compileSpec.ts';
import type { ErrorCode } from '../../errors/registry.ts';
import { dnsRecordOf } from '../../plugins/dns/dnsRecordOf.ts';
import { writeSpecFiles } from '../compiler/writeSpecFiles.ts';

/** failover_procedure with a dns block (its fields from line 3 on) and one prose step. */
const failover = (dns: string) => `failover_procedure:\n  dns:\n${dns}  steps: "1. Update DNS records"\n`;
const powerdns = '    provider: powerdns\n    api_url: http://127.0.0.1:8081\n    api_key: ${PDNS_API_KEY}\n    zone: db.example.com.\n    name: primary.db.example.com.\n    type: A\n';
const route53 = '    provider: route53\n    hosted_zone_id: Z0123456789ABC\n    name: primary.db.example.com.\n    type: CNAME\n    ttl: 10\n';

async function compile(yaml: string) {
  const file = path.join(writeSpecFiles({ 'spec.yaml': yaml }), 'spec.yaml');
  return compileSpec([file]);
}

const invalidCases: readonly { title: string; yaml: string; code: ErrorCode; path: string }[] = [
  { title: 'an inline PowerDNS API key', yaml: failover(powerdns.replace('${PDNS_API_KEY}', 'secret123')), code: 'DBA_SPEC_INLINE_SECRET', path: '/failover_procedure/dns/api_key' },
  { title: 'a PowerDNS record without its zone', yaml: failover(powerdns.replace('    zone: db.example.com.\n', '')), code: 'DBA_SPEC_MISSING_KEY', path: '/failover_procedure/dns/zone' },
];

describe('failover_procedure.dns in the spec', () => {
  it('accepts a PowerDNS and a Route53 record, and hands the block to dns/update_record as its defaults', async () => {
    for (const block of [powerdns, route53]) {
      const result = await compile(failover(block));
      expect(result.errors.map((e) => `${e.line} ${e.code} ${e.path}`)).to.deep.equal([]);
    }
    const result = await compile(failover(route53));
    expect(dnsRecordOf(result.spec?.failover_procedure)).to.deep.equal({ provider: 'route53', hosted_zone_id: 'Z0123456789ABC', name: 'primary.db.example.com.', type: 'CNAME', ttl: 10 });
    expect(dnsRecordOf((await compile('failover_procedure: "1. Promote"\n')).spec?.failover_procedure)).to.equal(undefined);
  });

  for (const c of invalidCases) {
    it(`refuses ${c.title}: ${c.code} at ${c.path}`, async () => {
      const result = await compile(c.yaml);
      const all = result.errors.map((e) => `${e.line} ${e.code} ${e.path}`);
      expect(result.errors.find((e) => e.code === c.code && e.path === c.path), JSON.stringify(all)).to.not.equal(undefined);
    });
  }

  it('refuses an unknown provider or record type at the dns block', async () => {
    for (const yaml of [failover(route53.replace('route53', 'cloudflare')), failover(powerdns.replace('type: A', 'type: MX'))]) {
      const result = await compile(yaml);
      expect(result.valid, yaml).to.equal(false);
      expect(result.errors.every((e) => e.path.startsWith('/failover_procedure/dns')), JSON.stringify(result.errors.map((e) => [e.code, e.path]))).to.equal(true);
    }
  });
});
