import { expect } from 'chai';
import { join } from 'node:path';
import type { CompiledSpec } from '../../compiler/CompiledSpec.ts';
import { compileSpec } from '../../compiler/compileSpec.ts';
import { writeSpecFiles } from '../compiler/writeSpecFiles.ts';

/** Compiles a spec written in the test, through the real compiler, and insists it is valid. */
export async function compileDataPlaneSpec(yaml: string): Promise<CompiledSpec> {
  const dir = writeSpecFiles({ 'spec.yaml': `apiVersion: dbarch/v1\n${yaml}` });
  const result = await compileSpec([join(dir, 'spec.yaml')]);
  expect(result.errors, JSON.stringify(result.errors)).to.deep.equal([]);
  return result.spec!;
}
