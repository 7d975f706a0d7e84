import { expect } from 'chai';
import { Resolver } from 'node:dns/promises';
import type { InterpreterResult } from '../../workflows/interpreter/InterpreterTypes.ts';
import { failoverFixture, type FailoverFixture } from '../failover/failoverFixture.ts';
import { startPowerDns, type PowerDns } from '../support/powerDns.ts';
import { sharedTemporal, uniqueTaskQueue, withWorker } from '../support/temporal.ts';

const zone = 'ha.dbarch.test.';
const keyVariable = 'DBARCH_TEST_PDNS_FAILOVER_KEY';

// dbarch/failover's DNS step against a real PowerDNS, after a real kill -9: the record names the promoted member.
// The members all listen on 127.0.0.1, so the address cannot tell them apart; the step's output names the member
// and the topology epoch it read, and the record did not exist before the failover.
describe('dbarch/failover updates DNS after promoting (PowerDNS)', () => {
  let pdns: PowerDns;
  let fixture: FailoverFixture;
  let resolver: Resolver;

  before(async () => {
    pdns = await startPowerDns();
    await pdns.createZone(zone);
    process.env[keyVariable] = pdns.apiKey;
    resolver = new Resolver({ timeout: 2000, tries: 1 });
    resolver.setServers([`127.0.0.1:${pdns.dnsPort}`]);
    fixture = await failoverFixture({
      members: 2,
      mode: 'async',
      extraYaml: `failover_procedure:
  dns: { provider: powerdns, api_url: "${pdns.apiUrl}", api_key: "\${${keyVariable}}", zone: ${zone}, name: primary.${zone}, type: A, ttl: 5 }
  steps: "1. Update DNS records"
`,
    });
  });
  after(async () => {
    await fixture?.cleanup();
    await pdns?.stop();
    delete process.env[keyVariable];
  });

  it('points the record at the new primary once it is published', async () => {
    expect((await fixture.topology()).primary.member).to.equal('m1');
    await resolver.resolve4(`primary.${zone}`).then(
      () => expect.fail('the record exists before the failover'),
      (error: NodeJS.ErrnoException) => expect(error.code).to.equal('ENOTFOUND'),
    );
    fixture.kill9('m1');
    const plan = await fixture.plan();
    const temporal = await sharedTemporal();
    const taskQueue = uniqueTaskQueue('failover-dns');
    const result = await withWorker({ taskQueue }, () =>
      temporal.client.workflow.execute<(input: unknown) => Promise<InterpreterResult>>('planInterpreterWorkflow', { taskQueue, workflowId: `failover-dns-${taskQueue}`, args: [{ plan }] }),
    );
    const topology = await fixture.topology();
    expect(topology.primary.member).to.equal('m2');
    expect(result.steps.update_dns?.output).to.deep.include({ provider: 'powerdns', name: `primary.${zone}`, value: '127.0.0.1', changed: true, previous: [], member: 'm2', epoch: topology.epoch });
    expect(await resolver.resolve4(`primary.${zone}`)).to.deep.equal(['127.0.0.1']);
  });
});
