import { expect } from 'chai';
import { openSync, closeSync, ftruncateSync } from 'node:fs';
import path from 'node:path';
import { compileSpec } from '../../compiler/compileSpec.ts';
import type { ErrorCode } from '../../errors/registry.ts';
import { writeSpecFiles } from './writeSpecFiles.ts';

interface HostileCase {
  readonly title: string;
  readonly content: string | Buffer;
  readonly code: ErrorCode;
  readonly line: number;
}

const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]', ...'bcdefgh'.split('').map((name, i) => `${name}: &${name} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(', ')}]`)].join('\n') + '\n';

const cases: readonly HostileCase[] = [
  { title: 'tab indentation', content: 'cache_config:\n\tprovider: redis\n', code: 'DBA_YAML_TAB_INDENT', line: 2 },
  { title: 'unclosed double quote', content: 'cache_config:\n  provider: "redis\n  strategy: cache_aside\n', code: 'DBA_YAML_UNCLOSED_QUOTE', line: 4 },
  { title: 'unclosed single quote', content: "cache_config:\n  provider: 'redis\n", code: 'DBA_YAML_UNCLOSED_QUOTE', line: 3 },
  { title: 'duplicate key', content: 'cache_config:\n  provider: redis\n  provider: redis\n', code: 'DBA_YAML_DUPLICATE_KEY', line: 3 },
  { title: 'undefined alias', content: 'cache_config:\n  provider: redis\n  ttl_policies: *policies\n', code: 'DBA_YAML_UNDEFINED_ALIAS', line: 3 },
  { title: 'alias bomb (billion laughs)', content: bomb, code: 'DBA_YAML_ALIAS_LIMIT', line: 2 },
  { title: 'binary junk', content: Buffer.from([0x63, 0x3a, 0x0a, 0x00, 0xff, 0xfe, 0x13, 0x37, 0x00]), code: 'DBA_YAML_BINARY', line: 2 },
  { title: 'invalid UTF-8', content: Buffer.concat([Buffer.from('cache_config:\n  provider: '), Buffer.from([0xc3, 0x28]), Buffer.from('\n')]), code: 'DBA_YAML_BINARY', line: 2 },
  { title: 'flow nesting bomb', content: 'a: ' + '['.repeat(100_000), code: 'DBA_YAML_TOO_DEEP', line: 1 },
  { title: 'mapping nesting bomb', content: 'a: ' + '{b: '.repeat(50_000), code: 'DBA_YAML_TOO_DEEP', line: 1 },
  { title: 'garbage punctuation', content: '}}}: ][\n: : :\n', code: 'DBA_YAML_SYNTAX', line: 1 },
  { title: 'a lone scalar', content: 'just some text\n', code: 'DBA_SPEC_NOT_MAPPING', line: 1 },
];

describe('hostile YAML', () => {
  for (const c of cases) {
    it(`${c.title}: ${c.code} with a position, no crash`, async () => {
      const file = path.join(writeSpecFiles({ 'spec.yaml': c.content }), 'spec.yaml');
      const result = await compileSpec([file]);
      expect(result.valid).to.equal(false);
      const issue = result.errors.find((e) => e.code === c.code);
      expect(issue, JSON.stringify(result.errors)).to.not.equal(undefined);
      expect(issue?.line).to.equal(c.line);
      expect(issue?.column).to.be.greaterThan(0);
      expect(issue?.file).to.equal(file);
    });
  }

  it('refuses a 50 MB file by size, before reading it', async () => {
    const dir = writeSpecFiles({});
    const file = path.join(dir, 'huge.yaml');
    const fd = openSync(file, 'w');
    ftruncateSync(fd, 50 * 1024 * 1024);
    closeSync(fd);
    const before = process.memoryUsage().rss;
    const result = await compileSpec([file]);
    expect(result.errors.map((e) => [e.code, e.line, e.column])).to.deep.equal([['DBA_YAML_FILE_TOO_LARGE', 1, 1]]);
    // Not read: resident memory grows by far less than the file.
    expect(process.memoryUsage().rss - before).to.be.lessThan(25 * 1024 * 1024);
  });

  it('keeps a `__proto__` key as data and reports it, without touching prototypes', async () => {
    const file = path.join(writeSpecFiles({ 'spec.yaml': '__proto__:\n  polluted: true\n' }), 'spec.yaml');
    const result = await compileSpec([file]);
    expect(result.errors.map((e) => [e.code, e.path])).to.deep.equal([['DBA_SPEC_UNKNOWN_KEY', '/__proto__']]);
    expect(Reflect.get({}, 'polluted')).to.equal(undefined);
  });

  it('reports every YAML error of a file, not only the first', async () => {
    const file = path.join(writeSpecFiles({ 'spec.yaml': 'a:\n\tb: 1\nc: 1\nc: 2\n' }), 'spec.yaml');
    const codes = (await compileSpec([file])).errors.map((e) => e.code);
    expect(codes).to.include.members(['DBA_YAML_TAB_INDENT', 'DBA_YAML_DUPLICATE_KEY']);
  });
});
