import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { compileSpec } from '../../compiler/compileSpec.ts';
import { writeSpecFiles } from './writeSpecFiles.ts';

const examplesDir = 'specs/examples';
const exampleFiles = readdirSync(examplesDir).filter((f) => f.endsWith('.yaml')).sort();

/** The seed's config blocks: the ```yaml fences that describe the platform (its HTTP API examples are not specs). */
function seedConfigBlocks(): string[] {
  const seed = readFileSync('test/fixtures/specs/seed/integration-spec.md', 'utf8');
  return [...seed.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] ?? '').filter((block) => !/^(POST|GET) \/api/m.test(block));
}

describe('seed examples', () => {
  it('are the seed document\'s eleven config blocks, copied verbatim', () => {
    const blocks = seedConfigBlocks();
    expect(blocks).to.have.length(11);
    expect(exampleFiles).to.have.length(11);
    exampleFiles.forEach((file, i) => expect(readFileSync(path.join(examplesDir, file), 'utf8'), file).to.equal(blocks[i]));
    expect(readFileSync(path.join(examplesDir, 'combined/seed.yaml'), 'utf8')).to.equal(blocks.join('\n'));
  });

  for (const file of exampleFiles) {
    it(`${file} validates on its own`, async () => {
      const result = await compileSpec([path.join(examplesDir, file)]);
      expect(result.errors, JSON.stringify(result.errors)).to.deep.equal([]);
      expect(result.valid).to.equal(true);
    });
  }

  it('validates as one file holding every block, and as a directory, with the same revision', async () => {
    const combined = await compileSpec([path.join(examplesDir, 'combined/seed.yaml')]);
    const directory = await compileSpec([examplesDir]);
    expect(combined.errors).to.deep.equal([]);
    expect(directory.errors).to.deep.equal([]);
    expect(directory.sources).to.have.length(11);
    expect(combined.revision).to.equal(directory.revision);
    expect(Object.keys(combined.spec ?? {})).to.include.members(['gateway_config', 'backup_config', 'failover_procedure']);
  });

  it('reports the seed\'s unproduced invalidation events as warnings only (inventory.change has no queue binding alone)', async () => {
    const result = await compileSpec([path.join(examplesDir, '03-cache_config.yaml')]);
    expect(result.valid).to.equal(true);
    expect(result.warnings.map((w) => w.code)).to.deep.equal(Array(5).fill('DBA_SPEC_EVENT_UNPRODUCED'));
  });

  it('reads the seed\'s numbered prose as steps', async () => {
    const result = await compileSpec([path.join(examplesDir, 'combined/seed.yaml')]);
    const steps = result.spec?.blue_green?.deployment_steps;
    expect(steps).to.deep.equal([
      { name: 'Apply migrations to green_db' },
      { name: 'Replicate data from blue_db to green_db' },
      { name: 'Verify green_db health' },
      { name: 'Switch application traffic to green_db' },
      { name: 'Monitor for errors' },
      { name: 'Keep blue_db as rollback target (24 hours)' },
    ]);
    const failover = result.spec?.failover_procedure;
    expect(failover).to.deep.include({ steps: [
      { name: 'Detect primary region outage (health checks)' },
      { name: 'Promote standby in secondary region to primary' },
      { name: 'Update DNS records (Route53)' },
      { name: 'Redirect application traffic' },
      { name: 'Monitor replication lag (should be zero)' },
      { name: 'Alert operations team' },
    ] });
  });

  it('merges a directory of blocks in any file order to the same revision', async () => {
    const blocks = seedConfigBlocks();
    const reversed = writeSpecFiles(Object.fromEntries(blocks.map((b, i) => [`${String(99 - i)}.yaml`, b])));
    const result = await compileSpec([reversed]);
    const reference = await compileSpec([examplesDir]);
    expect(result.valid).to.equal(true);
    expect(result.revision).to.equal(reference.revision);
  });
});

describe('runnable example platform (specs/platform.yaml)', () => {
  it('validates without warnings, deep-frozen, with defaults and absolute migration paths', async () => {
    const result = await compileSpec(['specs/platform.yaml']);
    expect(result.errors, JSON.stringify(result.errors)).to.deep.equal([]);
    expect(result.warnings, JSON.stringify(result.warnings)).to.deep.equal([]);
    const spec = result.spec;
    expect(spec).to.not.equal(undefined);
    expect(Object.isFrozen(spec)).to.equal(true);
    expect(Object.isFrozen(spec?.deployment_config?.environments[0])).to.equal(true);
    expect(spec?.deployment_config?.environments.map((e) => e.database)).to.deep.equal(['dbarch_dev', 'dbarch_staging', 'dbarch_prod']);
    expect(spec?.deployment_config?.migrations?.directory).to.equal(path.resolve('specs/migrations'));
    expect(spec?.deployment_config?.migrations?.table).to.equal('dbarch_migrations');
    // Env references stay as written; they are resolved where used.
    expect(spec?.clusters?.[0]?.primary).to.equal('${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}');
    expect(JSON.parse(JSON.stringify(spec))).to.deep.equal(spec);
  });
});
