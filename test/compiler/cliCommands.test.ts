import { expect } from 'chai';
import path from 'node:path';
import { run as schema } from '../../cli/commands/schema.ts';
import { run as validate } from '../../cli/commands/validate.ts';
import { captureConsole as capture } from '../cli/captureConsole.ts';
import { writeSpecFiles } from './writeSpecFiles.ts';

describe('dbarch validate', () => {
  it('exits 0 for a valid spec and prints a summary', async () => {
    const { code, out } = await capture(validate, ['specs/platform.yaml']);
    expect(code).to.equal(0);
    expect(out).to.match(/^valid: 1 file, 0 warnings \(revision [0-9a-f]{12}\)$/);
  });

  it('exits 1 for an invalid spec, with JSON output when asked', async () => {
    const dir = writeSpecFiles({ 'spec.yaml': 'cache_config:\n  provider: memcache\n  ttl_policies: [{ pattern: "a", ttl: 1 }]\n' });
    const { code, out } = await capture(validate, [dir, '--format', 'json']);
    expect(code).to.equal(1);
    const report: unknown = JSON.parse(out);
    expect(report).to.deep.equal({
      valid: false,
      errors: [{ file: path.join(dir, 'spec.yaml'), line: 2, column: 13, path: '/cache_config/provider', code: 'DBA_SPEC_ENUM', message: '"memcache" is not one of the accepted values', hint: 'expected one of `redis`' }],
      warnings: [],
    });
  });

  it('exits 2 for a path that does not exist', async () => {
    const { code, out } = await capture(validate, ['/no/such/dir', '--format', 'json']);
    expect(code).to.equal(2);
    expect(out).to.contain('DBA_SPEC_PATH_NOT_FOUND');
  });

  it('exits 2 for a bad flag or format', async () => {
    expect((await capture(validate, ['--frmat', 'json'])).code).to.equal(2);
    const bad = await capture(validate, ['--format', 'xml', 'specs/platform.yaml']);
    expect(bad.code).to.equal(2);
    expect(bad.err).to.contain('DBA_USAGE');
  });
});

describe('dbarch schema', () => {
  it('prints the whole JSON Schema, every section under its key', async () => {
    const { code, out } = await capture(schema, []);
    expect(code).to.equal(0);
    const root: unknown = JSON.parse(out);
    expect(root).to.have.nested.property('properties.gateway_config.properties.database_routing');
    expect(root).to.have.property('additionalProperties', false);
  });

  it('prints one section, and exits 2 with a suggestion for an unknown one', async () => {
    const one = await capture(schema, ['backup_config']);
    expect(one.code).to.equal(0);
    expect(JSON.parse(one.out)).to.have.nested.property('properties.base_backups');
    const bad = await capture(schema, ['backup_conifg']);
    expect(bad.code).to.equal(2);
    expect(bad.err).to.contain('did you mean `backup_config`?');
  });
});
