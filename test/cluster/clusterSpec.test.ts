import { expect } from 'chai';
import path from 'node:path';
import { compileSpec } from '../../compiler/compileSpec.ts';
import type { ErrorCode } from '../../errors/registry.ts';
import { writeSpecFiles } from '../compiler/writeSpecFiles.ts';

/** A managed cluster `ha` (three members unless given), its lines numbered from 1. */
const ha = (extra = '', members = '      - { name: ha1, host: 127.0.0.1, port: 55441 }\n      - { name: ha2, host: 127.0.0.1, port: 55442 }\n      - { name: ha3, host: 127.0.0.1, port: 55443 }\n') =>
  `clusters:\n  - name: ha\n    databases: [dbarch_ha]\n    members:\n${members}${extra}`;

const mesh = (endpoints: string) => `service_mesh:
  database_services:
    - name: pg-ha
      cluster: ha
      endpoints:
${endpoints}`;

const validCases: readonly { title: string; yaml: string }[] = [
  { title: 'three members, sync ANY 1', yaml: ha('    replication:\n      mode: sync\n      synchronous: { method: ANY, count: 1 }\n    data_directory: ${DBARCH_CLUSTER_DIR:-/tmp/x}\n') },
  { title: 'strict FIRST 2 of two replicas', yaml: ha('    replication: { mode: strict, synchronous: { method: FIRST, count: 2 } }\n') },
  { title: 'async without synchronous', yaml: ha('    replication: { mode: async }\n') },
  { title: 'one member, no replication', yaml: ha('', '      - { name: solo, host: 127.0.0.1, port: 55441 }\n') },
  { title: 'an unmanaged cluster beside a managed one', yaml: `${ha()}  - name: ext\n    primary: postgres://postgres@127.0.0.1:5432/postgres\n    databases: [x]\n` },
  { title: 'mesh endpoints that are members (localhost = 127.0.0.1)', yaml: `${ha()}${mesh('        - { host: localhost, port: 55441 }\n        - { host: 127.0.0.1, port: 55442 }\n')}` },
];

const invalidCases: readonly { title: string; yaml: string; code: ErrorCode; path: string; line: number }[] = [
  { title: 'sync count larger than the replicas', yaml: ha('    replication:\n      mode: sync\n      synchronous: { count: 3 }\n'), code: 'DBA_SPEC_CLUSTER_SYNC_COUNT', path: '/clusters/0/replication/synchronous/count', line: 10 },
  { title: 'sync mode with no replica at all', yaml: ha('    replication:\n      mode: strict\n', '      - { name: solo, host: 127.0.0.1, port: 55441 }\n'), code: 'DBA_SPEC_CLUSTER_SYNC_COUNT', path: '/clusters/0/replication/mode', line: 7 },
  { title: 'synchronous under async', yaml: ha('    replication:\n      mode: async\n      synchronous: { count: 1 }\n'), code: 'DBA_SPEC_CLUSTER_SYNC_UNUSED', path: '/clusters/0/replication/synchronous', line: 10 },
  { title: 'two members on one host:port', yaml: ha('', '      - { name: ha1, host: 127.0.0.1, port: 55441 }\n      - { name: ha2, host: localhost, port: 55441 }\n'), code: 'DBA_SPEC_CLUSTER_MEMBER_ADDRESS', path: '/clusters/0/members/1/port', line: 6 },
  { title: 'members of two clusters on one port', yaml: `${ha()}  - name: hb\n    databases: [b]\n    members:\n      - { name: hb1, host: 127.0.0.1, port: 55443 }\n`, code: 'DBA_SPEC_CLUSTER_MEMBER_ADDRESS', path: '/clusters/1/members/0/port', line: 11 },
  { title: 'duplicate member names', yaml: ha('', '      - { name: ha1, host: 127.0.0.1, port: 55441 }\n      - { name: ha1, host: 127.0.0.1, port: 55442 }\n'), code: 'DBA_SPEC_DUPLICATE_NAME', path: '/clusters/0/members/1/name', line: 6 },
  { title: 'members together with primary', yaml: ha('    primary: postgres://postgres@127.0.0.1:5432/postgres\n'), code: 'DBA_SPEC_CLUSTER_MANAGED_URL', path: '/clusters/0/primary', line: 8 },
  { title: 'members together with replicas', yaml: ha('    replicas: [postgres://postgres@127.0.0.1:5433/postgres]\n'), code: 'DBA_SPEC_CLUSTER_MANAGED_URL', path: '/clusters/0/replicas', line: 8 },
  { title: 'replication without members', yaml: 'clusters:\n  - name: ext\n    primary: postgres://postgres@127.0.0.1:5432/postgres\n    databases: [x]\n    replication: { mode: sync }\n', code: 'DBA_SPEC_CLUSTER_UNMANAGED', path: '/clusters/0/replication', line: 5 },
  { title: 'data_directory without members', yaml: 'clusters:\n  - name: ext\n    primary: postgres://postgres@127.0.0.1:5432/postgres\n    databases: [x]\n    data_directory: /tmp/x\n', code: 'DBA_SPEC_CLUSTER_UNMANAGED', path: '/clusters/0/data_directory', line: 5 },
  { title: 'neither primary nor members', yaml: 'clusters:\n  - name: ext\n    databases: [x]\n', code: 'DBA_SPEC_CLUSTER_NO_PRIMARY', path: '/clusters/0', line: 2 },
  { title: 'member name unusable as a slot name', yaml: ha('', '      - { name: HA-1, host: 127.0.0.1, port: 55441 }\n'), code: 'DBA_SPEC_PATTERN', path: '/clusters/0/members/0/name', line: 5 },
  { title: 'mesh endpoint that is no member of its cluster', yaml: `${ha()}${mesh('        - { host: 127.0.0.1, port: 55441 }\n        - { host: 127.0.0.1, port: 5432 }\n')}`, code: 'DBA_SPEC_MESH_NOT_MEMBER', path: '/service_mesh/database_services/0/endpoints/1', line: 14 },
];

async function compile(yaml: string) {
  const file = path.join(writeSpecFiles({ 'spec.yaml': yaml }), 'spec.yaml');
  return { file, result: await compileSpec([file]) };
}

describe('clusters: the HA topology in the spec', () => {
  for (const c of validCases) {
    it(`accepts ${c.title}`, async () => {
      const { result } = await compile(c.yaml);
      expect(result.errors.map((e) => `${e.line} ${e.code} ${e.path}`)).to.deep.equal([]);
    });
  }

  for (const c of invalidCases) {
    it(`refuses ${c.title}: ${c.code} at ${c.path} line ${c.line}`, async () => {
      const { file, result } = await compile(c.yaml);
      const all = result.errors.map((i) => `${i.line}:${i.column} ${i.code} ${i.path}`);
      const found = result.errors.find((i) => i.code === c.code && i.path === c.path);
      expect(found, `expected ${c.code} at ${c.path}; got ${JSON.stringify(all)}`).to.not.equal(undefined);
      expect(found?.line).to.equal(c.line);
      expect(found?.file).to.equal(file);
      expect(found?.hint).to.be.a('string').and.not.equal('');
      expect(result.valid).to.equal(false);
    });
  }

  it('derives primary and replicas from the members, and defaults replication and the data directory', async () => {
    const { result } = await compile(ha('    replication: { mode: sync }\n'));
    const cluster = result.spec?.clusters?.[0];
    expect(cluster?.primary).to.equal('postgres://postgres@127.0.0.1:55441/postgres');
    expect(cluster?.replicas).to.deep.equal(['postgres://postgres@127.0.0.1:55442/postgres', 'postgres://postgres@127.0.0.1:55443/postgres']);
    expect(cluster?.replication).to.deep.equal({ mode: 'sync' });
    expect(cluster?.data_directory).to.equal('${DBARCH_CLUSTER_DIR:-/var/lib/dbarch/clusters}');
  });
});
