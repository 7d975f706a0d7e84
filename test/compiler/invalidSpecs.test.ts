import { expect } from 'chai';
import path from 'node:path';
import { compileSpec } from '../../compiler/compileSpec.ts';
import { invalidSpecCases } from './invalidSpecCases.ts';
import { writeSpecFiles } from './writeSpecFiles.ts';

describe('invalid specs (table)', () => {
  it('covers at least 60 cases', () => {
    expect(invalidSpecCases.length).to.be.at.least(60);
  });

  for (const c of invalidSpecCases) {
    it(`${c.title}: ${c.code} at ${c.path || '(file)'} line ${c.line}`, async () => {
      const file = path.join(writeSpecFiles({ 'spec.yaml': c.yaml }), 'spec.yaml');
      const result = await compileSpec([file]);
      const severity = c.severity ?? 'error';
      const pool = severity === 'error' ? result.errors : result.warnings;
      const found = pool.find((i) => i.code === c.code && i.path === c.path);
      const all = [...result.errors, ...result.warnings].map((i) => `${i.line}:${i.column} ${i.code} ${i.path}`);
      expect(found, `expected ${c.code} at ${c.path}; got ${JSON.stringify(all)}`).to.not.equal(undefined);
      expect(found?.line, `line of ${c.code}`).to.equal(c.line);
      expect(found?.file).to.equal(file);
      expect(found?.column).to.be.greaterThan(0);
      expect(found?.hint).to.be.a('string').and.not.equal('');
      if (severity === 'error') expect(result.valid).to.equal(false);
    });
  }
});
