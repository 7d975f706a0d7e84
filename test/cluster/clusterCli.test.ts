import { expect } from 'chai';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { memberPaths } from '../../activities/cluster/memberPaths.ts';
import { stopMemberServer } from '../../activities/cluster/memberServer.ts';
import { publishTopology } from '../../activities/topology/publishTopology.ts';
import { memberUrl } from '../../compiler/sections/clusters/memberUrl.ts';
import { spawnTs } from '../support/childProcess.ts';
import { freshDatabase, type TestDatabase } from '../support/postgres.ts';
import { haFixture, type HaFixture } from './haCluster.ts';

interface Run { code: number | string; output: string; json: Record<string, unknown> | undefined }

describe('dbarch cluster up|down|rejoin and dbarch topology (CLI)', function () {
  this.timeout(180_000);
  let ha: HaFixture;
  let db: TestDatabase;
  const dbarch = async (...args: string[]): Promise<Run> => {
    const child = spawnTs('bin/dbarch.js', args, { DATABASE_URL: db.url, DBARCH_LOG_LEVEL: 'warn' });
    const code = await child.exited;
    const output = child.output();
    const line = output.split('\n').find((l) => l.startsWith('{'));
    return { code, output, json: line === undefined ? undefined : (JSON.parse(line) as Record<string, unknown>) };
  };

  before(async () => {
    ha = await haFixture({ members: 2 });
    db = await freshDatabase('cluster_cli');
  });
  after(async () => {
    await ha.cleanup();
    await db.drop();
  });

  it('up provisions and publishes epoch 1; topology shows the members; a second up changes nothing', async () => {
    const up = await dbarch('cluster', 'up', ha.specFile, '--cluster', 'ha', '--format', 'json');
    expect(up.code, up.output).to.equal(0);
    expect(up.json).to.deep.include({ primary: 'ha1', publishedInitial: true });
    expect((up.json?.topology as { epoch: number }).epoch).to.equal(1);
    const again = await dbarch('cluster', 'up', ha.specFile, '--cluster', 'ha', '--format', 'json');
    expect((again.json?.members as { action: string }[]).map((m) => m.action)).to.deep.equal(['left', 'left']);
    const topology = await dbarch('topology', ha.specFile, '--cluster', 'ha', '--format', 'json');
    expect(topology.code, topology.output).to.equal(0);
    expect((topology.json?.members as { member: string; role: string }[]).map((m) => [m.member, m.role])).to.deep.equal([['ha1', 'primary'], ['ha2', 'standby']]);
    expect(topology.json?.warnings).to.deep.equal([]);
    expect(topology.json?.lastFailover).to.equal(null);
  });

  it('after a failover, topology shows it and rejoin brings the former primary back as a standby, unfenced', async () => {
    const [ha1, ha2] = ha.cluster.members as [typeof ha.cluster.members[0], typeof ha.cluster.members[0]];
    await stopMemberServer(memberPaths(ha.cluster, ha1), 'immediate');
    const promote = new pg.Client({ connectionString: memberUrl(ha2) });
    await promote.connect();
    await promote.query('SELECT pg_promote(true, 30)');
    await promote.end();
    const control = { url: db.url, pool: new pg.Pool({ connectionString: db.url, max: 1 }) };
    try {
      await publishTopology(control, { cluster: 'ha', expectedEpoch: 1, primary: { member: 'ha2', url: memberUrl(ha2) }, replicas: [], fenced: ['ha1'], timeline: 2, kind: 'failover', reason: 'test: ha1 killed' });
    } finally {
      await control.pool.end();
    }
    const topology = await dbarch('topology', ha.specFile, '--cluster', 'ha', '--format', 'json', '--timeout', '500');
    expect((topology.json?.lastFailover as { kind: string; primary: { member: string } }).primary.member).to.equal('ha2');
    expect((topology.json?.members as { member: string; reachable: boolean }[]).map((m) => m.reachable)).to.deep.equal([false, true]);
    const text = await dbarch('topology', ha.specFile, '--cluster', 'ha');
    expect(text.output).to.match(/last failover: failover .* to ha2 \(epoch 2\)/);
    const rejoin = await dbarch('cluster', 'rejoin', ha.specFile, '--cluster', 'ha', '--member', 'ha1', '--format', 'json');
    expect(rejoin.code, rejoin.output).to.equal(0);
    expect(rejoin.json).to.deep.include({ member: 'ha1', primary: 'ha2', method: 'rewind' });
    expect(rejoin.json?.topology).to.deep.include({ epoch: 3, fenced: [] });
    const after = await dbarch('topology', ha.specFile, '--cluster', 'ha', '--format', 'json');
    expect((after.json?.members as { role: string }[]).map((m) => m.role)).to.deep.equal(['standby', 'primary']);
    expect(after.code, after.output).to.equal(0);
  });

  it('down stops every member', async () => {
    const down = await dbarch('cluster', 'down', ha.specFile, '--cluster', 'ha', '--format', 'json');
    expect(down.code).to.equal(0);
    expect(down.json?.members).to.deep.equal([{ member: 'ha1', stopped: true }, { member: 'ha2', stopped: true }]);
  });

  it('bad input: an invalid spec (sync count > replicas) is exit 1 with its code and creates nothing; usage errors exit 2', async () => {
    const bad = path.join(ha.dir, 'bad.yaml');
    const data = path.join(ha.dir, 'bad-data');
    writeFileSync(bad, `clusters:\n  - name: hb\n    databases: [x]\n    members:\n      - { name: hb1, host: 127.0.0.1, port: 55991 }\n      - { name: hb2, host: 127.0.0.1, port: 55992 }\n    replication: { mode: sync, synchronous: { count: 2 } }\n    data_directory: ${data}\n`);
    const invalid = await dbarch('cluster', 'up', bad, '--cluster', 'hb');
    expect(invalid.code).to.equal(1);
    expect(invalid.output).to.contain('DBA_SPEC_CLUSTER_SYNC_COUNT');
    expect(existsSync(data)).to.equal(false);
    const unknown = await dbarch('cluster', 'up', ha.specFile, '--cluster', 'nope', '--format', 'json');
    expect(unknown.code).to.equal(1);
    expect((unknown.json?.error as { code: string }).code).to.equal('DBA_CLUSTER_UNKNOWN');
    expect((await dbarch('cluster', 'up', ha.specFile)).code).to.equal(2);
    expect((await dbarch('cluster', 'sideways', ha.specFile, '--cluster', 'ha')).code).to.equal(2);
  });
});
