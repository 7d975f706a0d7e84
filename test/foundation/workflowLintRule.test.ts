import { expect } from 'chai';
import { ESLint } from 'eslint';
import { repoRoot } from '../support/childProcess.ts';

/** The lint rule that keeps workflow code deterministic: no Node builtins or client libraries in workflows/. */
describe('workflow import rule', function () {
  this.timeout(60_000);
  const eslint = new ESLint({ cwd: repoRoot, ignore: false });

  async function restrictedImports(fixture: string): Promise<string[]> {
    const [result] = await eslint.lintFiles([`test/fixtures/lint/workflows/${fixture}`]);
    return (result?.messages ?? []).filter((message) => message.ruleId === '@typescript-eslint/no-restricted-imports').map((message) => message.message);
  }

  it('rejects a workflow that imports fs', async () => {
    const messages = await restrictedImports('importsFs.ts');
    expect(messages).to.have.length(1);
    expect(messages[0]).to.include("'fs'");
  });

  it('rejects a workflow that imports pg', async () => {
    const messages = await restrictedImports('importsPg.ts');
    expect(messages).to.have.length(1);
    expect(messages[0]).to.include("'pg'");
  });

  it('allows type-only imports', async () => {
    expect(await restrictedImports('typeOnlyImport.ts')).to.deep.equal([]);
  });

  it('passes the real workflows', async () => {
    const results = await eslint.lintFiles(['workflows/']);
    const restricted = results.flatMap((result) => result.messages.filter((message) => message.ruleId === '@typescript-eslint/no-restricted-imports'));
    expect(restricted).to.deep.equal([]);
  });
});
