import type { CompiledSpec } from './CompiledSpec.ts';
import type { SpecIssue } from './SpecIssue.ts';

export interface CompileResult {
  /** True when there is no error (warnings allowed). */
  readonly valid: boolean;
  /** Present when valid. */
  readonly spec?: CompiledSpec;
  readonly errors: readonly SpecIssue[];
  readonly warnings: readonly SpecIssue[];
  /** The files read, in merge order. */
  readonly sources: readonly string[];
  /** sha256 of the normalised spec content: stable across key order, whitespace and file layout. */
  readonly revision: string;
  /** Where a JSON pointer into the spec is written (its nearest written ancestor when it is not): for later stages' issues. */
  readonly locate: (pointer: string) => { readonly file: string; readonly line: number; readonly column: number };
}
