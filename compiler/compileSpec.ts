import path from 'node:path';
import type { Static, TSchema } from '@sinclair/typebox';
import type { ValidateFunction } from 'ajv';
import { DbarchError } from '../errors/DbarchError.ts';
import { assertSectionDefinitions } from './buildRootSchema.ts';
import type { CompiledSpec } from './CompiledSpec.ts';
import type { CompileResult } from './CompileResult.ts';
import { suggestionHint } from './didYouMean.ts';
import { IssueCollector } from './IssueCollector.ts';
import { jsonPointer, jsonPointerSegments } from './jsonPointer.ts';
import { apiVersionKey, loadSpec, type LoadedSpec } from './load/loadSpec.ts';
import { defaultReadLimits, type ReadLimits } from './load/readSpecFile.ts';
import { deepFreeze } from './resolve/deepFreeze.ts';
import { isCompiledSpec } from './resolve/isCompiledSpec.ts';
import { specRevision } from './resolve/specRevision.ts';
import type { SectionCheckContext, SectionDefinition, SectionPath } from './SectionDefinition.ts';
import { builtinSections } from './sections/builtinSections.ts';
import { specApiVersion } from './specApiVersion.ts';
import type { RawIssue } from './validate/RawIssue.ts';
import { referenceIssues } from './validate/referenceIssues.ts';
import { specAjv } from './validate/specAjv.ts';
import { structuralIssues } from './validate/structuralIssues.ts';
import { withoutInvalidProperties } from './validate/withoutInvalidProperties.ts';

export interface CompileOptions {
  /** Extra sections (from plugins), stitched in next to the built-in ones. */
  readonly sections?: readonly SectionDefinition[];
  /** Overrides of the hostile-input limits (file size, alias expansions, nesting). */
  readonly limits?: Partial<ReadLimits>;
}

/**
 * The spec compiler: load (YAML with positions, files merged) → validate (ajv structural, then semantic checks of
 * every structurally valid section; every issue collected) → resolve (defaults, prose steps, absolute paths; env
 * references stay as written) → a deep-frozen plain-JSON spec. Throws only for unusable section definitions
 * (a programming error); everything about the spec itself comes back as issues.
 */
export async function compileSpec(paths: readonly string[], options: CompileOptions = {}): Promise<CompileResult> {
  const sections = [...builtinSections, ...(options.sections ?? [])];
  assertSectionDefinitions(sections);
  const issues = new IssueCollector();
  const loaded = await loadSpec(paths, issues, { ...defaultReadLimits, ...options.limits });
  const raw: RawIssue[] = [];

  checkApiVersions(loaded, issues);
  const known = new Set(sections.map((s) => s.key));
  for (const key of Object.keys(loaded.root)) {
    if (!known.has(key)) {
      raw.push({ segments: [key], target: 'key', code: 'DBA_SPEC_UNKNOWN_KEY', message: `unknown section \`${key}\``, hint: suggestionHint(key, [...known, apiVersionKey]), severity: 'error' });
    }
  }

  const { validating, defaulting } = specAjv();
  const validValues = new Map<string, unknown>();
  // Structurally invalid sections that are valid once the offending keys are dropped: checked, never compiled.
  const checkOnly = new Map<string, unknown>();
  const present = sections.filter((s) => Object.hasOwn(loaded.root, s.key));
  for (const section of present) {
    const value = loaded.root[section.key];
    const validate = compileSchema(validating.compile.bind(validating), section);
    if (validate(value)) {
      validValues.set(section.key, value);
      continue;
    }
    const errors = [...(validate.errors ?? [])];
    raw.push(...structuralIssues(section.key, errors));
    const rest = withoutInvalidProperties(value, errors);
    if (validate(rest)) checkOnly.set(section.key, rest);
  }
  raw.push(...referenceIssues(loaded.root));

  for (const section of present) {
    const value = validValues.get(section.key) ?? checkOnly.get(section.key);
    if (section.check === undefined || value === undefined) continue;
    const ctx = checkContext(section.key, loaded, validValues, raw);
    try {
      section.check(value, ctx);
    } catch (error) {
      raw.push({ segments: [section.key], target: 'key', code: 'DBA_SPEC_CHECK_FAILED', message: `the checks of \`${section.key}\` crashed: ${error instanceof Error ? error.message : String(error)}`, severity: 'error' });
    }
  }
  locateAll(raw, loaded, issues);
  const errors = sortIssues(issues.errors, loaded.files);
  const warnings = sortIssues(issues.warnings, loaded.files);

  const locate = (pointer: string) => locateValue(loaded, jsonPointerSegments(pointer));
  if (errors.length > 0) {
    return { valid: false, errors, warnings, sources: loaded.files, revision: specRevision(loaded.root), locate };
  }
  const authored: Record<string, unknown> = { apiVersion: specApiVersion };
  const compiled: Record<string, unknown> = { apiVersion: specApiVersion };
  for (const section of present) {
    const value: unknown = structuredClone(validValues.get(section.key));
    compileSchema(defaulting.compile.bind(defaulting), section)(value);
    authored[section.key] = value;
    const baseDir = baseDirOf(loaded, section.key);
    const resolved: unknown = section.resolve === undefined ? structuredClone(value) : section.resolve(structuredClone(value), { baseDir });
    compiled[section.key] = resolved;
  }
  if (!isCompiledSpec(compiled)) {
    throw new DbarchError('DBA_INTERNAL', 'a section\'s resolve step produced a value outside its schema', { details: { sections: Object.keys(compiled) } });
  }
  const spec: CompiledSpec = deepFreeze(compiled);
  return { valid: true, spec, errors, warnings, sources: loaded.files, revision: specRevision(authored), locate };
}

function locateValue(loaded: LoadedSpec, segments: readonly string[]): { file: string; line: number; column: number } {
  const origin = loaded.origins.get(segments[0] ?? '');
  const file = origin?.source.file ?? loaded.files[0] ?? '';
  return { file, ...(origin === undefined ? { line: 1, column: 1 } : origin.source.locate(origin.docIndex, segments, 'value')) };
}

type Compile = (schema: TSchema) => ValidateFunction;

function compileSchema(compile: Compile, section: SectionDefinition): ValidateFunction {
  try {
    return compile(section.schema);
  } catch (error) {
    throw new DbarchError('DBA_SPEC_SECTION_INVALID', `the JSON Schema of section \`${section.key}\` is rejected by ajv: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

function checkContext(key: string, loaded: LoadedSpec, validValues: ReadonlyMap<string, unknown>, raw: RawIssue[]): SectionCheckContext {
  const segmentsOf = (p: SectionPath) => [key, ...(typeof p === 'string' ? jsonPointerSegments(p) : p.map(String))];
  const { validating } = specAjv();
  return {
    baseDir: baseDirOf(loaded, key),
    error: (p, code, message, hint) => raw.push({ segments: segmentsOf(p), target: 'value', code, message, hint, severity: 'error' }),
    warn: (p, code, message, hint) => raw.push({ segments: segmentsOf(p), target: 'value', code, message, hint, severity: 'warning' }),
    section<S extends TSchema>(definition: SectionDefinition<S>): Static<S> | undefined {
      if (!validValues.has(definition.key)) return undefined;
      const value = validValues.get(definition.key);
      // Validated already; asking ajv again (a cached validator) is what proves the type without a cast.
      const validate = validating.compile<Static<S>>(definition.schema);
      return validate(value) ? value : undefined;
    },
  };
}

function baseDirOf(loaded: LoadedSpec, key: string): string {
  const origin = loaded.origins.get(key);
  return origin === undefined ? process.cwd() : path.dirname(path.resolve(origin.source.file));
}

function checkApiVersions(loaded: LoadedSpec, issues: IssueCollector): void {
  for (const { value, origin } of loaded.apiVersions) {
    if (value === specApiVersion) continue;
    const pos = origin.source.locate(origin.docIndex, [apiVersionKey], 'value');
    issues.add({ file: origin.source.file, ...pos, path: '/apiVersion', code: 'DBA_SPEC_API_VERSION', message: `unsupported apiVersion ${JSON.stringify(value)}; this dbarch reads ${specApiVersion}`, hint: `write \`apiVersion: ${specApiVersion}\`` });
  }
}

function locateAll(raw: readonly RawIssue[], loaded: LoadedSpec, issues: IssueCollector): void {
  const seen = new Set<string>();
  for (const issue of raw) {
    const pointer = jsonPointer(issue.segments);
    const id = `${pointer}\u0000${issue.code}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const origin = loaded.origins.get(issue.segments[0] ?? '');
    const file = origin?.source.file ?? loaded.files[0] ?? '';
    const pos = origin === undefined ? { line: 1, column: 1 } : origin.source.locate(origin.docIndex, issue.segments, issue.target);
    issues.add({ file, ...pos, path: pointer, code: issue.code, message: issue.message, hint: issue.hint, severity: issue.severity });
  }
}

function sortIssues<T extends { file: string; line: number; column: number }>(list: readonly T[], files: readonly string[]): T[] {
  const order = (f: string) => {
    const i = files.indexOf(f);
    return i < 0 ? -1 : i;
  };
  return [...list].sort((a, b) => order(a.file) - order(b.file) || a.line - b.line || a.column - b.column);
}
