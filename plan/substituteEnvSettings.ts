import type { JsonValue } from './Plan.ts';
import type { PlanContext } from './PlanContext.ts';

const whole = /^\{\{\s*env\.([a-z][a-z0-9_]*)\s*\}\}$/;
const embedded = /\{\{\s*env\.([a-z][a-z0-9_]*)\s*\}\}/g;

/** The key when the value is exactly one reference (`{{ env.rollback_window }}`), the only form durations take. */
export function envReferenceKey(value: unknown): string | undefined {
  return typeof value === 'string' ? whole.exec(value)?.[1] : undefined;
}

/**
 * Replaces `{{ env.<key> }}` in a step's `with:` (and a whole-value reference in a duration) by the environment's deployment setting, at plan time. A value
 * that is exactly one reference keeps the setting's type (a boolean stays a boolean; an unset optional setting
 * leaves the key out); references inside longer text are joined as text. Unknown keys are reported, not guessed.
 */
export function substituteEnvSettings(value: unknown, context: PlanContext, missing: (key: string) => void): unknown {
  if (typeof value === 'string') {
    const single = whole.exec(value);
    if (single) {
      const key = single[1] ?? '';
      if (!context.env || !Object.hasOwn(context.env, key)) missing(key);
      return context.env?.[key] ?? undefined;
    }
    if (!value.includes('{{')) return value;
    return value.replace(embedded, (_text, key: string) => {
      const setting: JsonValue | undefined = context.env?.[key];
      if (setting === undefined || setting === null) {
        missing(key);
        return '';
      }
      return typeof setting === 'string' ? setting : JSON.stringify(setting);
    });
  }
  if (Array.isArray(value)) return value.map((item) => substituteEnvSettings(item, context, missing)).filter((item) => item !== undefined);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      const replaced = substituteEnvSettings(inner, context, missing);
      if (replaced !== undefined) out[key] = replaced;
    }
    return out;
  }
  return value;
}
