import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { openSync, closeSync, existsSync, ftruncateSync, symlinkSync } from 'node:fs';
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

/** `a:` and then one key per line, each indented one column more than the one above. */
const indentBomb = (levels: number) => ['a:', ...Array.from({ length: levels }, (_, i) => `${' '.repeat(i + 1)}k${i}:`)].join('\n') + '\n';

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
  { title: 'compact sequence nesting bomb (- - - …)', content: 'a:\n' + '- '.repeat(200_000) + 'x\n', code: 'DBA_YAML_TOO_DEEP', line: 2 },
  { title: 'compact explicit-key nesting bomb (? ? ? …)', content: '? '.repeat(100_000) + 'x\n', code: 'DBA_YAML_TOO_DEEP', line: 1 },
  { title: 'indentation nesting bomb', content: indentBomb(1200), code: 'DBA_YAML_TOO_DEEP', line: 65 },
  { title: 'sequence-of-mappings nesting bomb', content: ['a:', ...Array.from({ length: 600 }, (_, i) => `${'  '.repeat(i)}- k:`)].join('\n') + '\n', code: 'DBA_YAML_TOO_DEEP', line: 33 },
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

  it('points a block nesting error at the first line and column past the limit', async () => {
    const file = path.join(writeSpecFiles({ 'spec.yaml': 'a:\n' + '- '.repeat(5000) + 'x\n' }), 'spec.yaml');
    const result = await compileSpec([file]);
    expect(result.errors.map((e) => [e.code, e.line, e.column, e.message])).to.deep.equal([['DBA_YAML_TOO_DEEP', 2, 127, 'block collections nest deeper than 64 levels']]);
    const indented = path.join(writeSpecFiles({ 'spec.yaml': indentBomb(1200) }), 'spec.yaml');
    expect((await compileSpec([indented])).errors.map((e) => [e.code, e.line, e.column])).to.deep.equal([['DBA_YAML_TOO_DEEP', 65, 65]]);
  });

  it('does not count block scalar bodies, quoted lines or comments as nesting', async () => {
    const dashes = '- '.repeat(100) + 'x';
    const yaml = [
      'failover_procedure:',
      '  steps:',
      '    - name: literal',
      '      description: |',
      `        ${dashes}`,
      `          ${dashes}`,
      '    - name: "quoted',
      `        ${dashes}"`,
      `    # ${dashes}`,
      '',
    ].join('\n');
    const result = await compileSpec([path.join(writeSpecFiles({ 'spec.yaml': yaml }), 'spec.yaml')]);
    expect(result.errors.filter((e) => e.code.startsWith('DBA_YAML_'))).to.deep.equal([]);
  });

  it('accepts nesting up to the limit', async () => {
    const file = path.join(writeSpecFiles({ 'spec.yaml': indentBomb(63) }), 'spec.yaml');
    expect((await compileSpec([file])).errors.map((e) => e.code)).to.not.include('DBA_YAML_TOO_DEEP');
  });

  it('refuses /dev/zero at once, without reading it', async function () {
    if (!existsSync('/dev/zero')) this.skip();
    this.timeout(5000);
    const started = Date.now();
    const result = await compileSpec(['/dev/zero']);
    expect(result.errors.map((e) => [e.code, e.line, e.column])).to.deep.equal([['DBA_SPEC_NOT_A_FILE', 1, 1]]);
    expect(result.errors[0]?.message).to.contain('a device');
    expect(Date.now() - started).to.be.lessThan(1000);
  });

  it('refuses a FIFO without opening it (no hang)', async function () {
    if (process.platform === 'win32') this.skip();
    this.timeout(5000);
    const fifo = path.join(writeSpecFiles({}), 'spec.yaml');
    execFileSync('mkfifo', [fifo]);
    const result = await compileSpec([fifo]);
    expect(result.errors.map((e) => e.code)).to.deep.equal(['DBA_SPEC_NOT_A_FILE']);
    expect(result.errors[0]?.message).to.contain('named pipe');
  });

  it('follows symlinks, but only to a regular file', async function () {
    if (process.platform === 'win32' || !existsSync('/dev/zero')) this.skip();
    this.timeout(5000);
    const dir = writeSpecFiles({ 'real.yml': 'cache_config:\n  provider: redis\n  ttl_policies:\n    - pattern: "a:*"\n      ttl: 1\n' });
    symlinkSync(path.join(dir, 'real.yml'), path.join(dir, 'linked.yaml'));
    symlinkSync('/dev/zero', path.join(dir, 'zero.yaml'));
    expect((await compileSpec([path.join(dir, 'linked.yaml')])).errors).to.deep.equal([]);
    const whole = await compileSpec([dir]);
    expect(whole.errors.map((e) => [path.basename(e.file), e.code])).to.deep.equal([['zero.yaml', 'DBA_SPEC_NOT_A_FILE']]);
  });

  it('never reads past the size limit, even when the size on disk lies (a /proc file reports 0 bytes)', async function () {
    if (!existsSync('/proc/self/maps')) this.skip();
    const result = await compileSpec(['/proc/self/maps'], { limits: { maxFileBytes: 64 } });
    expect(result.errors.map((e) => e.code)).to.deep.equal(['DBA_YAML_FILE_TOO_LARGE']);
    expect(result.errors[0]?.message).to.contain('grew while being read');
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
