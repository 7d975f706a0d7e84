import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { compileSpec } from '../../compiler/compileSpec.ts';
import type { CompiledSpec } from '../../compiler/CompiledSpec.ts';
import { clusterTlsOfSpec, type ClusterTls } from '../../activities/tls/ClusterTls.ts';
import { haFixture, type HaFixture } from '../cluster/haCluster.ts';

export interface TlsFixture extends HaFixture {
  readonly tls: ClusterTls;
  readonly caFile: string;
  /** Where the test puts orders_service's client files (ca.crt, orders_service.crt, .key): service_mesh.mtls names them. */
  readonly clientDir: string;
  readonly spec: CompiledSpec;
}

/** A two-member managed cluster whose spec asks for TLS 1.3 (one suite), an internal CA in a file, and one certificate role. */
export async function tlsFixture(): Promise<TlsFixture> {
  const ha = await haFixture({ members: 2, mode: 'async' });
  // The CA's file is created by the first rotation, in the fixture's own directory.
  const caFile = path.join(ha.dir, 'tls', 'internal-ca.pem');
  const clientDir = path.join(ha.dir, 'client');
  appendFileSync(ha.specFile, securityYaml(caFile) + meshYaml(ha.cluster.members.map((m) => m.port), clientDir));
  const compiled = await compileSpec([ha.specFile]);
  if (!compiled.valid || compiled.spec === undefined) throw new Error(`fixture spec invalid: ${JSON.stringify(compiled.errors)}`);
  const tls = clusterTlsOfSpec(compiled.spec);
  if (tls === undefined) throw new Error('the fixture spec asks for no TLS');
  return { ...ha, spec: compiled.spec, tls, caFile, clientDir };
}

function securityYaml(caFile: string): string {
  return [
    'security_config:',
    '  authentication:',
    '    method: certificate',
    '    certificate_authority: internal-ca',
    '    rotation_days: 90',
    '  authorization:',
    '    model: RBAC',
    '    roles:',
    '      - name: application',
    '        permissions: [SELECT, INSERT, UPDATE, DELETE]',
    '        members: [orders_service]',
    '  encryption:',
    '    in_transit:',
    '      tls_version: 1.3',
    '      cipher_suites: [TLS_AES_256_GCM_SHA384]',
    `      internal_ca: file://${caFile}`,
    '',
  ].join('\n');
}

function meshYaml(ports: readonly number[], clientDir: string): string {
  return [
    'service_mesh:',
    '  mtls:',
    `    ca: file://${clientDir}/ca.crt`,
    `    certificate: file://${clientDir}/orders_service.crt`,
    `    key: file://${clientDir}/orders_service.key`,
    '  database_services:',
    '    - name: orders-db',
    '      cluster: ha',
    '      endpoints:',
    ...ports.map((port) => `        - { host: 127.0.0.1, port: ${port} }`),
    '      health_check: { interval: 2s, timeout: 1s }',
    '',
  ].join('\n');
}
