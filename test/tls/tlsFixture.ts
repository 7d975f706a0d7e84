import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { compileSpec } from '../../compiler/compileSpec.ts';
import { clusterTlsOfSpec, type ClusterTls } from '../../activities/tls/ClusterTls.ts';
import { haFixture, type HaFixture } from '../cluster/haCluster.ts';

export interface TlsFixture extends HaFixture {
  readonly tls: ClusterTls;
  readonly caFile: string;
}

/** A two-member managed cluster whose spec asks for TLS 1.3 (one suite), an internal CA in a file, and one certificate role. */
export async function tlsFixture(): Promise<TlsFixture> {
  const ha = await haFixture({ members: 2, mode: 'async' });
  // The CA's file is created by the first rotation, in the fixture's own directory.
  const caFile = path.join(ha.dir, 'tls', 'internal-ca.pem');
  appendFileSync(ha.specFile, securityYaml(caFile));
  const compiled = await compileSpec([ha.specFile]);
  if (!compiled.valid || compiled.spec === undefined) throw new Error(`fixture spec invalid: ${JSON.stringify(compiled.errors)}`);
  const tls = clusterTlsOfSpec(compiled.spec);
  if (tls === undefined) throw new Error('the fixture spec asks for no TLS');
  return { ...ha, tls, caFile };
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
