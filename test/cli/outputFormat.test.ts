import { expect } from 'chai';
import { outputFormat } from '../../cli/outputFormat.ts';
import { runCli, stackTrace } from './runCli.ts';

describe('--format json for errors', () => {
  it('reads --format json and --format=json, the last one winning, nothing after --', () => {
    expect(outputFormat(['x', '--format=json'])).to.equal('json');
    expect(outputFormat(['--format', 'json'])).to.equal('json');
    expect(outputFormat(['--format=json', '--format', 'text'])).to.equal('text');
    expect(outputFormat(['json'])).to.equal('text');
    expect(outputFormat(['--', '--format=json'])).to.equal('text');
  });

  it('an error of a verb given --format=json is printed as JSON on stdout', async () => {
    const run = await runCli(['approve', '--format=json']);
    expect(run.code, run.output).to.equal(2);
    const line = run.output.split('\n').find((l) => l.startsWith('{'));
    expect(line, run.output).to.be.a('string');
    expect((JSON.parse(line!) as { error: { code: string } }).error.code).to.equal('DBA_USAGE');
    expect(run.output).to.not.match(/^DBA_USAGE: /m);
    expect(run.output).to.not.match(stackTrace);
  });
});
