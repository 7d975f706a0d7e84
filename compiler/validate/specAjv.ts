import { Ajv, type Options } from 'ajv';
import { grammarFormats } from '../grammar/grammarFormats.ts';

/**
 * The two ajv instances of the compiler, created once per process: `validating` reports every structural error;
 * `defaulting` fills in schema defaults during resolve. ajv caches compiled schemas by object identity, so
 * compiling a section's schema again on a later call is a map lookup.
 */
let instances: { validating: Ajv; defaulting: Ajv } | undefined;

export function specAjv(): { validating: Ajv; defaulting: Ajv } {
  // Strictness is enforced by `validating`; `defaulting` only logs (silently) that defaults inside unions are
  // ignored, which ajv does by design.
  instances ??= { validating: create({ verbose: true }), defaulting: create({ useDefaults: true, strict: 'log', logger: false }) };
  return instances;
}

function create(extra: Options): Ajv {
  const ajv = new Ajv({ strict: true, allErrors: true, allowUnionTypes: true, ...extra });
  for (const [name, parse] of Object.entries(grammarFormats)) {
    ajv.addFormat(name, { type: 'string', validate: (text: string) => parse(text).ok });
  }
  return ajv;
}
