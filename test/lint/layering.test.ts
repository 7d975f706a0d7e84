import { expect } from 'chai';
import { ESLint, type Linter } from 'eslint';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../support/childProcess.ts';

const fixtures = 'test/fixtures/lint/layers';
const restrictedPaths = 'import-x/no-restricted-paths';
const restrictedPackages = '@typescript-eslint/no-restricted-imports';

/** Each forbidden edge of DESIGN.md's layering, the fixture that takes it, and the rule that must reject it. */
const forbidden: readonly (readonly [fixture: string, ruleId: string, messageId: string])[] = [
  ['activities/importsPlugins.ts', restrictedPaths, 'zone'],
  ['activities/importsWorkflows.ts', restrictedPaths, 'zone'],
  ['cli/importsWorker.ts', restrictedPaths, 'zone'],
  ['cli/importsTemporalWorker.ts', restrictedPackages, 'pathWithCustomMessage'],
  ['api/importsCli.ts', restrictedPaths, 'zone'],
  ['api/importsWorker.ts', restrictedPaths, 'zone'],
  ['app/importsCli.ts', restrictedPaths, 'zone'],
  ['app/importsApi.ts', restrictedPaths, 'zone'],
  ['app/importsWorker.ts', restrictedPaths, 'zone'],
  ['app/importsTemporalWorker.ts', restrictedPackages, 'pathWithCustomMessage'],
  ['compiler/importsPlan.ts', restrictedPaths, 'zone'],
  ['compiler/importsPlugins.ts', restrictedPaths, 'zone'],
  ['gateway/importsCli.ts', restrictedPaths, 'zone'],
  ['gateway/importsApi.ts', restrictedPaths, 'zone'],
  ['gateway/importsWorkflows.ts', restrictedPaths, 'zone'],
  ['gateway/importsPlugins.ts', restrictedPaths, 'zone'],
];

/** Imports each layer may have: the rules must not be blanket bans. */
const allowed = ['activities/allowed.ts', 'cli/allowed.ts', 'app/allowed.ts', 'gateway/allowed.ts'];

/** The layering rules of eslint.config.js (DESIGN.md "Layering"), proven on fixtures and on the real tree. */
describe('layering lint rules', function () {
  this.timeout(120_000);
  // The repository's own config; only the two layering rules run, and without type information (they resolve
  // files, they do not read types), so the whole tree lints in seconds.
  const eslint = new ESLint({
    cwd: repoRoot,
    ignore: false,
    errorOnUnmatchedPattern: false,
    ruleFilter: ({ ruleId }) => ruleId === restrictedPaths || ruleId === restrictedPackages,
    overrideConfig: { languageOptions: { parserOptions: { projectService: false, project: null } } },
  });

  async function layeringMessages(paths: string[]): Promise<{ file: string; message: Linter.LintMessage }[]> {
    const results = await eslint.lintFiles(paths);
    return results.flatMap((result) =>
      result.messages.filter((message) => message.ruleId === restrictedPaths || message.ruleId === restrictedPackages).map((message) => ({ file: result.filePath, message })),
    );
  }

  for (const [fixture, ruleId, messageId] of forbidden) {
    it(`rejects ${fixture} (${ruleId})`, async () => {
      const found = await layeringMessages([`${fixtures}/${fixture}`]);
      expect(found.map(({ message }) => [message.ruleId, message.messageId, message.line])).to.deep.equal([[ruleId, messageId, 2]]);
    });
  }

  it('accepts the imports each layer may have', async () => {
    expect(await layeringMessages(allowed.map((fixture) => `${fixtures}/${fixture}`))).to.deep.equal([]);
  });

  it('passes the real tree (the worker-hosting verbs `dbarch worker` and `dbarch dev` are the only exceptions)', async () => {
    const layers = ['activities', 'workflows', 'cli', 'api', 'app', 'compiler', 'gateway'].filter((path) => existsSync(join(repoRoot, path)));
    const found = await layeringMessages(layers);
    expect(found.map(({ file, message }) => `${file.slice(repoRoot.length)}:${message.line} ${message.ruleId}: ${message.message}`)).to.deep.equal([]);
  });
});
