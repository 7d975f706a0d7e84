import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { Plan } from '../../plan/Plan.ts';
import { planSpec } from '../../plan/planSpec.ts';
import { createPluginRegistry } from '../../plugins/createPluginRegistry.ts';
import { createPluginDeps } from '../../plugins/PluginDeps.ts';
import { serviceUrls } from '../../runtime/serviceUrls.ts';
import { testLog } from '../support/temporal.ts';
import { audience, issuer } from './identityProvider.ts';

/**
 * A spec whose `production` (protected by name) verifies approvals with the given key source: a gate that `dba`
 * (MFA required by require_mfa) or `release_manager` (no MFA) may approve (`count` approvals), between two notify steps.
 */
export function protectedSpec(key: { jwks_url: string } | { public_key: string }, extra: Record<string, unknown> = {}, count = 1): string {
  const dir = mkdtempSync(join(tmpdir(), 'dbarch-approvals-'));
  const path = join(dir, 'spec.yaml');
  writeFileSync(
    path,
    stringify({
      apiVersion: 'dbarch/v1',
      security_config: {
        authorization: { model: 'RBAC', roles: [{ name: 'admin', permissions: ['ALL'], require_mfa: true }] },
        approvals: { jwt: { issuer, audience, ...key }, identity_claim: 'email', require_mfa: ['dba'], ...extra },
      },
      procedures: {
        roles: { dba: ['alice'], release_manager: [], admin: [] },
        definitions: {
          release: {
            description: `release behind a verified approval (${dir})`,
            steps: [
              { id: 'before', uses: 'builtin/notify', with: { message: 'release starts' } },
              { id: 'prod_approval', approval: { roles: ['dba', 'release_manager'], count } },
              { id: 'after', uses: 'builtin/notify', with: { message: 'released' } },
            ],
          },
        },
      },
    }),
  );
  return path;
}

/** The plan of the spec's `release` (no shipped procedures: this suite needs none, and plans faster). */
export async function planRelease(path: string, environment: string): Promise<Plan> {
  const registry = createPluginRegistry(createPluginDeps(serviceUrls(), testLog));
  const result = await planSpec({ paths: [path], environment, procedure: 'release', registry, shipped: { roles: {}, definitions: {} } });
  if (!result.ok) throw new Error(`test spec does not plan: ${JSON.stringify([...result.specIssues, ...result.planIssues])}`);
  return result.plan;
}
