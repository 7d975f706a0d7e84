import { resolveEnvReferences } from '../../compiler/grammar/envReference.ts';
import { DbarchError } from '../../errors/DbarchError.ts';
import type { StepExecution } from '../StepExecution.ts';

export interface WebhookStepInput {
  /** May hold `${ENV}` references (tokens in query strings), resolved on the worker. */
  readonly url: string;
  readonly method?: 'POST' | 'PUT' | 'PATCH' | 'GET' | 'DELETE';
  /** Header values may hold `${ENV}` references (e.g. `Bearer ${HOOK_TOKEN}`). */
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: unknown;
}

export interface WebhookStepOutput {
  readonly status: number;
  /** The answer, parsed when JSON, else the first 4 KiB of text. */
  readonly body: unknown;
}

/**
 * One HTTP request (the engine of `builtin/webhook` and `builtin/notify`). It carries an `Idempotency-Key` header
 * equal for every attempt of the step, so a receiver that honours it performs the effect once even when the step
 * is retried. 5xx, 408, 429 and network failures are transient; other refusals are permanent.
 */
export async function sendWebhook(input: WebhookStepInput, ctx: Pick<StepExecution, 'idempotencyKey' | 'signal'>): Promise<WebhookStepOutput> {
  const url = resolveText(input.url, 'url');
  const headers: Record<string, string> = { 'content-type': 'application/json', 'idempotency-key': ctx.idempotencyKey };
  for (const [name, value] of Object.entries(input.headers ?? {})) headers[name.toLowerCase()] = resolveText(value, `header ${name}`);
  const method = input.method ?? 'POST';
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers,
      body: method === 'GET' || input.body === undefined ? undefined : JSON.stringify(input.body),
      signal: ctx.signal,
    });
  } catch (error) {
    throw new DbarchError('DBA_STEP_WEBHOOK_TRANSIENT', `${method} ${redactWebhookUrl(url)} failed: ${(error as Error).message}`, { cause: error });
  }
  const text = (await response.text()).slice(0, 4096);
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  if (response.ok) return { status: response.status, body };
  const transient = response.status >= 500 || response.status === 408 || response.status === 429;
  throw new DbarchError(transient ? 'DBA_STEP_WEBHOOK_TRANSIENT' : 'DBA_STEP_WEBHOOK', `${method} ${redactWebhookUrl(url)} answered ${response.status}`, {
    details: { status: response.status, body: text.slice(0, 512) },
  });
}

function resolveText(text: string, what: string): string {
  const resolved = resolveEnvReferences(text, process.env);
  if (!resolved.ok) throw new DbarchError('DBA_STEP_CONNECTION', `webhook ${what}: ${resolved.message}`);
  return resolved.value;
}

/**
 * Query strings and paths often carry tokens (a Slack or Teams incoming webhook's path is its secret): only the
 * origin and the first path segment go into history or logs.
 */
function redactWebhookUrl(url: string): string {
  try {
    const parsed = new URL(url);
    const segments = parsed.pathname.split('/').filter((segment) => segment !== '');
    return `${parsed.origin}/${segments[0] ?? ''}${segments.length > 1 ? '/…' : ''}`;
  } catch {
    return '<invalid url>';
  }
}
