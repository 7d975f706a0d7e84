import { expect } from 'chai';
import { Resolver } from 'node:dns/promises';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PowerDnsRecordSettings } from '../../activities/dns/DnsRecordInput.ts';
import { updateDnsRecord } from '../../activities/dns/updateDnsRecord.ts';
import pg from 'pg';
import { publishTopology } from '../../activities/topology/publishTopology.ts';
import { isDbarchError } from '../../errors/DbarchError.ts';
import { planSpec } from '../../plan/planSpec.ts';
import { createPluginRegistry } from '../../plugins/createPluginRegistry.ts';
import { createPluginDeps } from '../../plugins/PluginDeps.ts';
import { serviceUrls } from '../../runtime/serviceUrls.ts';
import type { InterpreterResult } from '../../workflows/interpreter/InterpreterTypes.ts';
import { deploymentSection } from '../support/deploymentSection.ts';
import { freshDatabase } from '../support/postgres.ts';
import { startPowerDns, type PowerDns } from '../support/powerDns.ts';
import { sharedTemporal, testLog, uniqueTaskQueue, withWorker } from '../support/temporal.ts';

const zone = 'db.dbarch.test.';
const keyVariable = 'DBARCH_TEST_PDNS_API_KEY';
const ctx = { signal: new AbortController().signal, idempotencyKey: 'test:dns', log: testLog };

async function codeOf(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => 'no error',
    (error: unknown) => (isDbarchError(error) ? error.code : `not coded: ${String(error)}`),
  );
}

describe('dns/update_record at PowerDNS (a real authoritative server and its REST API)', () => {
  let pdns: PowerDns;
  let resolver: Resolver;
  let settings: PowerDnsRecordSettings;

  const serial = async () => (await resolver.resolveSoa(zone)).serial;

  before(async () => {
    pdns = await startPowerDns();
    await pdns.createZone(zone);
    process.env[keyVariable] = pdns.apiKey;
    resolver = new Resolver({ timeout: 2000, tries: 1 });
    resolver.setServers([`127.0.0.1:${pdns.dnsPort}`]);
    settings = { provider: 'powerdns', api_url: pdns.apiUrl, api_key: `\${${keyVariable}}`, zone, name: `primary.${zone}`, type: 'A', ttl: 5 };
  });
  after(async () => {
    delete process.env[keyVariable];
    await pdns?.stop();
  });

  it('points the A record at the new primary, answered by a DNS query; the same record again writes nothing', async () => {
    const first = await updateDnsRecord({ ...settings, value: '127.0.0.11' }, ctx);
    expect(first).to.deep.include({ changed: true, previous: [], name: `primary.${zone}`, value: '127.0.0.11', ttl: 5 });
    expect(await resolver.resolve4(`primary.${zone}`, { ttl: true })).to.deep.equal([{ address: '127.0.0.11', ttl: 5 }]);

    const before = await serial();
    const again = await updateDnsRecord({ ...settings, value: '127.0.0.11' }, ctx);
    expect(again).to.deep.include({ changed: false, previous: ['127.0.0.11'] });
    // Nothing written: the zone's serial (bumped by every API change) stays.
    expect(await serial()).to.equal(before);

    const moved = await updateDnsRecord({ ...settings, value: '127.0.0.12' }, ctx);
    expect(moved).to.deep.include({ changed: true, previous: ['127.0.0.11'] });
    expect(await resolver.resolve4(`primary.${zone}`)).to.deep.equal(['127.0.0.12']);
    expect(await serial()).to.be.greaterThan(before);
  });

  it('writes a CNAME to a member host name (final dot added), and a changed TTL alone is a change', async () => {
    const cname = { ...settings, name: 'rw.db.dbarch.test', type: 'CNAME' as const };
    const first = await updateDnsRecord({ ...cname, value: 'pg-2.db.dbarch.test' }, ctx);
    expect(first).to.deep.include({ changed: true, name: `rw.${zone}`, value: `pg-2.${zone}` });
    expect(await resolver.resolveCname(`rw.${zone}`)).to.deep.equal([`pg-2.${zone.slice(0, -1)}`]);
    const longer = await updateDnsRecord({ ...cname, value: `pg-2.${zone}`, ttl: 60 }, ctx);
    expect(longer).to.deep.include({ changed: true, previous: [`pg-2.${zone}`], ttl: 60 });
  });

  it('refuses bad input before calling the API, and classifies what the API answers', async () => {
    const before = await serial();
    expect(await codeOf(updateDnsRecord({ ...settings, value: 'pg-1.example.com' }, ctx))).to.equal('DBA_DNS_INPUT');
    expect(await codeOf(updateDnsRecord({ ...settings, type: 'CNAME', value: '10.0.0.1' }, ctx))).to.equal('DBA_DNS_INPUT');
    expect(await codeOf(updateDnsRecord({ ...settings, name: 'primary.elsewhere.test.', value: '10.0.0.1' }, ctx))).to.equal('DBA_DNS_INPUT');
    expect(await codeOf(updateDnsRecord({ ...settings, api_key: '${DBARCH_TEST_UNSET_KEY}', value: '10.0.0.1' }, ctx))).to.equal('DBA_DNS_INPUT');
    process.env.DBARCH_TEST_WRONG_KEY = 'wrong';
    expect(await codeOf(updateDnsRecord({ ...settings, api_key: '${DBARCH_TEST_WRONG_KEY}', value: '10.0.0.1' }, ctx))).to.equal('DBA_DNS_REFUSED');
    delete process.env.DBARCH_TEST_WRONG_KEY;
    expect(await codeOf(updateDnsRecord({ ...settings, zone: 'nothere.test.', name: 'primary.nothere.test.', value: '10.0.0.1' }, ctx))).to.equal('DBA_DNS_ZONE_NOT_FOUND');
    expect(await codeOf(updateDnsRecord({ ...settings, api_url: 'http://127.0.0.1:1', value: '10.0.0.1' }, ctx))).to.equal('DBA_DNS_UNREACHABLE');
    expect(await serial()).to.equal(before);
  });

  it('runs as the failover procedure\'s action on a worker: settings from failover_procedure.dns, the value from the published primary', async () => {
    const control = await freshDatabase('dns_control');
    const pool = new pg.Pool({ connectionString: control.url });
    try {
      await publishTopology({ url: control.url, pool }, {
        cluster: 'ha', expectedEpoch: 0, kind: 'initial', reason: 'test',
        primary: { member: 'ha2', url: 'postgres://postgres@127.0.0.22:5432/postgres' }, replicas: [],
      });
      const specPath = join(mkdtempSync(join(tmpdir(), 'dbarch-dns-')), 'spec.yaml');
      writeFileSync(
        specPath,
        `${deploymentSection('dev_db')}failover_procedure:
  dns:
    provider: powerdns
    api_url: ${pdns.apiUrl}
    api_key: \${${keyVariable}}
    zone: ${zone}
    name: failover.${zone}
    type: A
    ttl: 5
  steps:
    - name: Point DNS at the new primary
      action: dns.update_record
      with: { cluster: ha, control_url: "${control.url}" }
`,
      );
      const registry = createPluginRegistry(createPluginDeps(serviceUrls(), testLog));
      const planned = await planSpec({ paths: [specPath], environment: 'dev', procedure: 'failover', registry });
      if (!planned.ok) throw new Error(JSON.stringify([...planned.specIssues, ...planned.planIssues]));
      const step = planned.plan.root.nodes[0];
      expect(step).to.include({ kind: 'step', activity: 'dns/update_record' });
      // Everything but the cluster came from failover_procedure.dns.
      expect(step?.kind === 'step' && step.input).to.deep.equal({
        provider: 'powerdns', api_url: pdns.apiUrl, api_key: `\${${keyVariable}}`, zone, name: `failover.${zone}`, type: 'A', ttl: 5, cluster: 'ha', control_url: control.url,
      });

      const temporal = await sharedTemporal();
      const taskQueue = uniqueTaskQueue('dns');
      const result = await withWorker({ taskQueue }, () =>
        temporal.client.workflow.execute<(input: unknown) => Promise<InterpreterResult>>('planInterpreterWorkflow', { taskQueue, workflowId: `dns-${taskQueue}`, args: [{ plan: planned.plan }] }),
      );
      const outputs = Object.values(result.steps).map((s) => s?.output);
      expect(outputs).to.deep.include({ provider: 'powerdns', name: `failover.${zone}`, type: 'A', value: '127.0.0.22', ttl: 5, changed: true, previous: [], member: 'ha2', epoch: 1 });
      expect(await resolver.resolve4(`failover.${zone}`)).to.deep.equal(['127.0.0.22']);
    } finally {
      await pool.end();
      await control.drop();
    }
  });

  it('dbarch/failover can run the step only where the spec names a record: {{ dns.configured }}', async () => {
    const procedure = `procedures:
  definitions:
    point:
      steps:
        - { id: dns, uses: dns/update_record, when: { env: { "dns.configured": true } }, with: { cluster: ha } }
`;
    const dir = mkdtempSync(join(tmpdir(), 'dbarch-dns-'));
    const registry = createPluginRegistry(createPluginDeps(serviceUrls(), testLog));
    writeFileSync(join(dir, 'without.yaml'), `${deploymentSection('dev_db')}${procedure}`);
    const without = await planSpec({ paths: [join(dir, 'without.yaml')], environment: 'dev', procedure: 'point', registry });
    if (!without.ok) throw new Error(JSON.stringify([...without.specIssues, ...without.planIssues]));
    expect(without.plan.root.nodes).to.deep.equal([]);
    writeFileSync(
      join(dir, 'with.yaml'),
      `${deploymentSection('dev_db')}failover_procedure:\n  dns: { provider: route53, hosted_zone_id: Z1, name: p.example.com., type: A }\n  steps: "1. Update DNS"\n${procedure}`,
    );
    const withDns = await planSpec({ paths: [join(dir, 'with.yaml')], environment: 'dev', procedure: 'point', registry });
    if (!withDns.ok) throw new Error(JSON.stringify([...withDns.specIssues, ...withDns.planIssues]));
    expect(withDns.plan.root.nodes.map((node) => node.kind === 'step' && node.activity)).to.deep.equal(['dns/update_record']);
  });
});
