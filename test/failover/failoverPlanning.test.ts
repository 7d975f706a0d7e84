import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planClusterProcedure } from '../../app/planClusterProcedure.ts';
import type { DbarchError } from '../../errors/DbarchError.ts';
import type { PlanNode, StepNode } from '../../plan/Plan.ts';
import { createPluginRegistry } from '../../plugins/createPluginRegistry.ts';
import { createPluginDeps } from '../../plugins/PluginDeps.ts';
import { serviceUrls } from '../../runtime/serviceUrls.ts';
import { testLog } from '../support/temporal.ts';

const spec = `clusters:
  - name: ha
    databases: [app]
    members:
      - { name: a, host: 127.0.0.1, port: 56001 }
      - { name: b, host: 127.0.0.1, port: 56002 }
      - { name: c, host: 127.0.0.1, port: 56003 }
    replication: { mode: sync, synchronous: { method: ANY, count: 1 } }
  - name: single
    databases: [other]
    members:
      - { name: s1, host: 127.0.0.1, port: 56011 }
service_mesh:
  mtls: false
  database_services:
    - name: ha-primary
      role: primary
      cluster: ha
      endpoints: [{ host: 127.0.0.1, port: 56001 }]
      health_check: { interval: 250ms, timeout: 200ms, unhealthy_threshold: 2 }
monitoring_config:
  alerting:
    channels: [webhook, slack]
    rules: []
    destinations:
      webhook: { url: "\${ALERT_WEBHOOK_URL}" }
      slack: { webhook_url: "\${SLACK_WEBHOOK_URL}", channel: "#db" }
deployment_config:
  source_control: github
  repository: schemas
  environments:
    - { name: staging, database: app, cluster: ha }
    - { name: production, database: app, cluster: ha, require_approval: true }
`;

function nodes(root: PlanNode): PlanNode[] {
  return root.kind === 'sequence' ? root.nodes.flatMap(nodes) : [root];
}

describe('planning the failover capability\'s procedures for one cluster', () => {
  const registry = createPluginRegistry(createPluginDeps(serviceUrls(), testLog), []);
  const dir = mkdtempSync(join(tmpdir(), 'dbarch-failover-plan-'));
  const path = join(dir, 'spec.yaml');
  writeFileSync(path, spec);

  it('dbarch/failover: detect → fence → promote → repoint → publish → check → alert, every step on the named cluster with its health check and alert destinations', async () => {
    const { cluster, plan } = await planClusterProcedure({ paths: [path], cluster: 'ha', registry });
    expect(cluster.health).to.deep.equal({ intervalMs: 250, timeoutMs: 200, unhealthyThreshold: 2 });
    expect(cluster.replication).to.deep.equal({ mode: 'sync', method: 'ANY', count: 1 });
    expect(cluster.members.map((m) => m.name)).to.deep.equal(['a', 'b', 'c']);
    const steps = nodes(plan.root) as StepNode[];
    expect(steps.map((s) => s.id)).to.deep.equal(['detect', 'fence', 'promote', 'repoint', 'publish', 'check_replication', 'alert']);
    for (const step of steps) expect(step.input.cluster, step.id).to.deep.equal(cluster);
    const alert = steps.find((s) => s.id === 'alert')!;
    expect(alert.input).to.include({ webhook_url: '${ALERT_WEBHOOK_URL}', slack_webhook_url: '${SLACK_WEBHOOK_URL}', slack_channel: '#db' });
    expect(plan.environment).to.equal('staging');
  });

  it('dbarch/switchover waits for approval where the environment requires it, and carries --to', async () => {
    const staging = await planClusterProcedure({ paths: [path], cluster: 'ha', procedure: 'dbarch/switchover', to: 'c', environment: 'staging', registry });
    const production = await planClusterProcedure({ paths: [path], cluster: 'ha', procedure: 'dbarch/switchover', to: 'c', environment: 'production', registry });
    expect(nodes(staging.plan.root).map((n) => n.kind)).to.not.include('gate');
    expect(nodes(production.plan.root)[0]).to.include({ kind: 'gate', id: 'approve' });
    const promote = nodes(production.plan.root).find((n) => n.id === 'promote') as StepNode;
    expect(promote.input).to.include({ to: 'c', planned: true });
  });

  it('updates DNS after publishing only where failover_procedure.dns names the record, for the cluster it fails over', async () => {
    const withDns = join(dir, 'dns.yaml');
    writeFileSync(withDns, `${spec}failover_procedure:\n  dns:\n    provider: powerdns\n    api_url: http://127.0.0.1:8081\n    api_key: \${PDNS_API_KEY}\n    zone: db.example.com.\n    name: primary.db.example.com.\n    type: A\n  steps: "1. Promote"\n`);
    const { plan } = await planClusterProcedure({ paths: [withDns], cluster: 'ha', registry, controlUrl: 'postgres://127.0.0.1/control' });
    const steps = nodes(plan.root) as StepNode[];
    expect(steps.map((s) => s.id)).to.deep.equal(['detect', 'fence', 'promote', 'repoint', 'publish', 'update_dns', 'check_replication', 'alert']);
    expect(steps.find((s) => s.id === 'update_dns')!.input).to.include({ cluster: 'ha', control_url: 'postgres://127.0.0.1/control', name: 'primary.db.example.com.' });
    const without = await planClusterProcedure({ paths: [path], cluster: 'ha', registry });
    expect(without.plan.skipped.map((s) => s.id)).to.include('update_dns');
  });

  it('refuses a cluster dbarch does not manage and a target that is not a member, with coded errors', async () => {
    const code = async (run: () => Promise<unknown>) => run().then(() => 'none', (error: unknown) => (error as DbarchError).code);
    expect(await code(() => planClusterProcedure({ paths: [path], cluster: 'nope', registry }))).to.equal('DBA_FAILOVER_INPUT');
    expect(await code(() => planClusterProcedure({ paths: [path], cluster: 'ha', procedure: 'dbarch/switchover', to: 'zz', registry }))).to.equal('DBA_FAILOVER_TARGET_INVALID');
  });
});
