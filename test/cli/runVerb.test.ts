import { expect } from 'chai';
import { exitCodes } from '../../cli/exitCodes.ts';
import { runVerb } from '../../cli/runVerb.ts';
import { captureConsole } from './captureConsole.ts';

/** A verb `demo warm|check <spec>` with a sub-verb `sub` that has options of its own. */
const demo = (argv: string[]) =>
  runVerb(
    {
      name: 'demo',
      help: 'Usage: dbarch demo …',
      options: { cluster: { type: 'string' } },
      example: 'dbarch demo check specs/platform.yaml',
      subVerbs: { sub: () => Promise.resolve({ run: (rest: string[]) => Promise.resolve((console.log(`sub ${rest.join(' ')}`), 7)) }) },
    },
    argv,
    ({ positionals, values, format, specPathsAfterAction }) => {
      const paths = positionals[0] === 'warm' ? specPathsAfterAction('dbarch demo warm specs/platform.yaml') : specPathsAfterAction();
      console.log(JSON.stringify({ paths, cluster: values.cluster ?? null, format }));
      return Promise.resolve(exitCodes.ok);
    },
  );

describe('runVerb', () => {
  it('prints the help, and hands a sub-verb the rest of the command line unparsed', async () => {
    expect(await captureConsole(demo, ['--help'])).to.deep.include({ code: 0, out: 'Usage: dbarch demo …' });
    expect(await captureConsole(demo, ['sub', '--its-own', 'x'])).to.deep.include({ code: 7, out: 'sub --its-own x' });
    // Only the sub-verbs named: an Object.prototype key is an ordinary positional.
    const inherited = await captureConsole(demo, ['constructor', 'a.yaml']);
    expect(inherited.code).to.equal(0);
    expect(JSON.parse(inherited.out)).to.deep.equal({ paths: ['a.yaml'], cluster: null, format: 'text' });
  });

  it('reports a bad flag and a missing spec as usage errors (exit 2) in the format asked for', async () => {
    const bad = await captureConsole(demo, ['check', '--bogus', '--format', 'json']);
    expect(bad.code).to.equal(exitCodes.usage);
    expect((JSON.parse(bad.out) as { error: object }).error).to.include({ code: 'DBA_USAGE', hint: 'Run `dbarch demo --help`.' });
    const warm = await captureConsole(demo, ['warm', '--format=json']);
    expect(warm.code).to.equal(exitCodes.usage);
    expect((JSON.parse(warm.out) as { error: object }).error).to.include({ code: 'DBA_USAGE', message: 'name the spec file or directory', hint: 'e.g. `dbarch demo warm specs/platform.yaml`' });
    const check = await captureConsole(demo, ['check']);
    expect(check.code).to.equal(exitCodes.usage);
    expect(check.err).to.equal('DBA_USAGE: name the spec file or directory\nhint: e.g. `dbarch demo check specs/platform.yaml`');
  });

  it('gives the body the spec paths after the action, the options and the format', async () => {
    const ran = await captureConsole(demo, ['warm', 'a.yaml', 'b', '--cluster', 'main', '--format', 'json']);
    expect(ran.code).to.equal(0);
    expect(JSON.parse(ran.out)).to.deep.equal({ paths: ['a.yaml', 'b'], cluster: 'main', format: 'json' });
  });
});
