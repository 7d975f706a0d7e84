import { Type } from '@sinclair/typebox';
import { expect } from 'chai';
import path from 'node:path';
import { buildRootSchema } from '../../compiler/buildRootSchema.ts';
import { compileSpec } from '../../compiler/compileSpec.ts';
import { formatIssuesJson } from '../../compiler/format/formatIssuesJson.ts';
import { formatIssuesText } from '../../compiler/format/formatIssuesText.ts';
import { readSourceText } from '../../compiler/format/readSourceText.ts';
import { defineSection } from '../../compiler/SectionDefinition.ts';
import { clustersSection } from '../../compiler/sections/clusters/section.ts';
import { builtinSections } from '../../compiler/sections/builtinSections.ts';
import { isDbarchError } from '../../errors/DbarchError.ts';
import { writeSpecFiles } from './writeSpecFiles.ts';

const cache = 'cache_config:\n  provider: redis\n  ttl_policies:\n    - pattern: "a:*"\n      ttl: 60\n';
const clusters = 'clusters:\n  - name: main\n    primary: ${DATABASE_URL}\n    databases: [app_db]\n';

describe('compileSpec', () => {
  it('names both places when two files define the same section', async () => {
    const dir = writeSpecFiles({ 'a.yaml': cache, 'b.yaml': '# second copy\n' + cache });
    const result = await compileSpec([dir]);
    expect(result.errors).to.have.length(1);
    const [issue] = result.errors;
    expect(issue).to.include({ code: 'DBA_SPEC_DUPLICATE_SECTION', path: '/cache_config', file: path.join(dir, 'b.yaml'), line: 2, column: 1 });
    expect(issue?.message).to.contain(`${path.join(dir, 'a.yaml')}:1:1`);
  });

  it('reports the same section twice in one multi-document file', async () => {
    const dir = writeSpecFiles({ 'a.yaml': `${cache}---\n${cache}` });
    const result = await compileSpec([path.join(dir, 'a.yaml')]);
    expect(result.errors.map((e) => [e.code, e.line])).to.deep.equal([['DBA_SPEC_DUPLICATE_SECTION', 7]]);
  });

  it('collects errors from several sections and files at once', async () => {
    const dir = writeSpecFiles({
      'a.yaml': 'gateway_config:\n  database_routing:\n    - service: s\n      database: d\n      connection_pool: { min: 9, max: 1 }\n',
      'b.yaml': 'service_mesh:\n  database_services:\n    - name: m\n      endpoints: [{ host: h, port: 1, weight: 0 }]\n',
    });
    const result = await compileSpec([dir]);
    expect(result.errors.map((e) => e.code)).to.deep.equal(['DBA_SPEC_POOL_BOUNDS', 'DBA_SPEC_WEIGHTS']);
  });

  it('still runs semantic checks next to a typo in the same section', async () => {
    const dir = writeSpecFiles({ 'a.yaml': 'gateway_config:\n  database_routing:\n    - service: s\n      databse: d\n      database: d\n      connection_pool: { min: 9, max: 1 }\n' });
    const result = await compileSpec([dir]);
    expect(result.errors.map((e) => e.code)).to.deep.equal(['DBA_SPEC_UNKNOWN_KEY', 'DBA_SPEC_POOL_BOUNDS']);
    expect(result.spec).to.equal(undefined);
  });

  it('gives a revision that ignores key order, whitespace, comments and file layout', async () => {
    const a = writeSpecFiles({ 'spec.yaml': `${clusters}${cache}` });
    const b = writeSpecFiles({
      'x.yaml': '# reordered\ncache_config:\n  ttl_policies: [{ttl: 60, pattern: "a:*"}]\n  provider:    redis\n',
      'y.yaml': 'clusters:\n  - databases: [app_db]\n    primary: ${DATABASE_URL}\n    name: main\n',
    });
    const c = writeSpecFiles({ 'spec.yaml': `${clusters}${cache.replace('ttl: 60', 'ttl: 61')}` });
    const [ra, rb, rc] = await Promise.all([compileSpec([a]), compileSpec([b]), compileSpec([c])]);
    expect(ra.valid && rb.valid && rc.valid).to.equal(true);
    expect(ra.revision).to.match(/^[0-9a-f]{64}$/);
    expect(rb.revision).to.equal(ra.revision);
    expect(rc.revision).to.not.equal(ra.revision);
  });

  it('applies defaults in the compiled spec, and never changes it afterwards', async () => {
    const result = await compileSpec([writeSpecFiles({ 'spec.yaml': cache })]);
    const spec = result.spec;
    expect(spec?.cache_config?.strategy).to.equal('cache_aside');
    expect(spec?.cache_config?.ttl_policies[0]?.invalidate_on).to.deep.equal([]);
    expect(spec?.apiVersion).to.equal('dbarch/v1');
    expect(() => Reflect.set(spec?.cache_config ?? {}, 'provider', 'x')).to.not.throw();
    expect(spec?.cache_config?.provider).to.equal('redis');
  });

  it('stitches plugin sections in: schema, checks, and reading other sections', async () => {
    const seen: string[] = [];
    const pluginSection = defineSection({
      key: 'search_index',
      title: 'Search index',
      description: 'A plugin section.',
      schema: Type.Object({ cluster: Type.String(), shards: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }),
      check(value, ctx) {
        const names = ctx.section(clustersSection)?.map((c) => c.name) ?? [];
        seen.push(...names);
        if (!names.includes(value.cluster)) ctx.error(['cluster'], 'DBA_SPEC_UNKNOWN_REFERENCE', `no cluster ${value.cluster}`);
      },
    });
    const dir = writeSpecFiles({ 'spec.yaml': `${clusters}search_index:\n  cluster: other\n  shards: 0\n  replicas: 2\n` });
    const result = await compileSpec([dir], { sections: [pluginSection] });
    expect(result.errors.map((e) => [e.code, e.path, e.line])).to.deep.equal([
      ['DBA_SPEC_RANGE', '/search_index/shards', 7],
      ['DBA_SPEC_UNKNOWN_KEY', '/search_index/replicas', 8],
    ]);
    const fixed = writeSpecFiles({ 'spec.yaml': `${clusters}search_index:\n  cluster: other\n  shards: 2\n` });
    const second = await compileSpec([fixed], { sections: [pluginSection] });
    expect(second.errors.map((e) => [e.code, e.path])).to.deep.equal([['DBA_SPEC_UNKNOWN_REFERENCE', '/search_index/cluster']]);
    expect(seen).to.include('main');
    const root = buildRootSchema([...builtinSections, pluginSection]);
    expect(Object.keys(root.properties ?? {})).to.include('search_index');
  });

  it('refuses section definitions that clash with a built-in key', async () => {
    const clash = defineSection({ key: 'cache_config', title: 't', description: 'd', schema: Type.Object({}) });
    const error: unknown = await compileSpec(['specs/platform.yaml'], { sections: [clash] }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isDbarchError(error) && error.code).to.equal('DBA_SPEC_SECTION_INVALID');
  });

  it('reports a missing path and an empty directory as coded issues', async () => {
    const result = await compileSpec(['/no/such/spec.yaml', writeSpecFiles({})]);
    expect(result.errors.map((e) => e.code)).to.deep.equal(['DBA_SPEC_PATH_NOT_FOUND', 'DBA_SPEC_NO_FILES']);
  });
});

describe('issue output', () => {
  it('prints compiler-style text: position, code, source line, caret, hint', async () => {
    const dir = writeSpecFiles({ 'spec.yaml': 'gateway_config:\n  database_routing:\n    - service: s\n      database: d\n      rate_limit: 10req/fortnight\n' });
    const result = await compileSpec([dir]);
    const text = formatIssuesText(result.errors, readSourceText());
    const file = path.join(dir, 'spec.yaml');
    expect(text.split('\n')).to.deep.equal([
      `${file}:5:19 error DBA_SPEC_RATE unknown rate unit "fortnight" in "10req/fortnight"`,
      '  5 |       rate_limit: 10req/fortnight',
      '    |                   ^^^^^^^^^^^^^^^',
      '  at /gateway_config/database_routing/0/rate_limit',
      '  hint: rate units: s, min, h (e.g. `50req/s`)',
    ]);
    expect(formatIssuesText(result.errors, readSourceText(), { color: true })).to.contain('\u001b[');
  });

  it('gives machines JSON with JSON-pointer paths', async () => {
    const result = await compileSpec([writeSpecFiles({ 'spec.yaml': 'cache_config:\n  provider: redis\n  ttl_policies: []\n' })]);
    const json = formatIssuesJson(result);
    expect(Object.keys(json)).to.deep.equal(['valid', 'errors', 'warnings']);
    expect(json.valid).to.equal(false);
    expect(Object.keys(json.errors[0] ?? {})).to.deep.equal(['file', 'line', 'column', 'path', 'code', 'message', 'hint']);
    expect(json.errors[0]).to.include({ path: '/cache_config/ttl_policies', code: 'DBA_SPEC_LENGTH', line: 3 });
  });
});
