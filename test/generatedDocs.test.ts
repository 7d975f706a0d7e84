import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generatedDocs } from '../docs/generatedDocs.ts';
import { errorCodes } from '../errors/registry.ts';
import { repoRoot } from './support/childProcess.ts';

describe('generated docs', () => {
  for (const [path, generate] of Object.entries(generatedDocs)) {
    it(`${path} is up to date (run \`npm run docs\` after changing its source)`, () => {
      expect(readFileSync(join(repoRoot, path), 'utf8')).to.equal(generate());
    });
  }

  it('docs/errors.md documents every registered code, and no other', () => {
    const documented = [...readFileSync(join(repoRoot, 'docs/errors.md'), 'utf8').matchAll(/^## (DBA_[A-Z0-9_]+)$/gm)].map((match) => match[1]);
    expect(documented).to.have.members(Object.keys(errorCodes));
  });
});
