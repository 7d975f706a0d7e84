import type { JsonValue } from './Plan.ts';
import { readSetting, type PlanContext } from './PlanContext.ts';

const whole = /^\{\{\s*([a-z][a-z0-9_]*\.[a-z][a-z0-9_]*)\s*\}\}$/;
const embedded = /\{\{\s*([a-z][a-z0-9_]*\.[a-z][a-z0-9_]*)\s*\}\}/g;

/** What a substitution read: every reference, with the place in the substituted value it filled. */
export interface SettingReads {
  /** A reference to a namespace or key that does not exist. */
  missing(reference: string): void;
  /** `pointer` (a JSON pointer into the value) was filled from `reference` (`env.migrations`); `value` is what it read. */
  read?(pointer: string, reference: string, value: JsonValue | undefined): void;
}

/** The reference when the value is exactly one (`{{ env.rollback_window }}`), the only form durations take. */
export function envReferenceKey(value: unknown): string | undefined {
  return typeof value === 'string' ? whole.exec(value)?.[1] : undefined;
}

/**
 * Replaces `{{ <namespace>.<key> }}` in a step's `with:` (and a whole-value reference in a duration) by the
 * capability setting, at plan time. A value that is exactly one reference keeps the setting's type (a boolean
 * stays a boolean; an unset optional setting leaves the key out); references inside longer text are joined as
 * text. Unknown references are reported, not guessed.
 */
export function substituteEnvSettings(value: unknown, context: PlanContext, reads: SettingReads, pointer = ''): unknown {
  if (typeof value === 'string') {
    const single = whole.exec(value);
    if (single) {
      const reference = single[1] ?? '';
      const setting = readSetting(context, reference);
      if (!setting.found) reads.missing(reference);
      reads.read?.(pointer, reference, setting.value);
      return setting.value ?? undefined;
    }
    if (!value.includes('{{')) return value;
    return value.replace(embedded, (_text, reference: string) => {
      const setting = readSetting(context, reference);
      reads.read?.(pointer, reference, setting.value);
      if (setting.value === undefined || setting.value === null) {
        reads.missing(reference);
        return '';
      }
      return typeof setting.value === 'string' ? setting.value : JSON.stringify(setting.value);
    });
  }
  if (Array.isArray(value)) {
    return value.map((item, index) => substituteEnvSettings(item, context, reads, `${pointer}/${index}`)).filter((item) => item !== undefined);
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      const replaced = substituteEnvSettings(inner, context, reads, `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`);
      if (replaced !== undefined) out[key] = replaced;
    }
    return out;
  }
  return value;
}
