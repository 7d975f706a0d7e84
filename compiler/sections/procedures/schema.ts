/**
 * JSON Schema of the `procedures:` section. It carries its own `$id` so its `$ref`s resolve inside it wherever the
 * compiler stitches it into the root schema.
 */
const duration = { anyOf: [{ type: 'string', minLength: 1 }, { type: 'number', minimum: 0 }] };
const identifier = { type: 'string', pattern: '^[a-z][a-z0-9_-]*$' };

const retry = {
  type: 'object',
  additionalProperties: false,
  properties: {
    attempts: { type: 'integer', minimum: 1, maximum: 1000 },
    initial_interval: duration,
    backoff: { type: 'number', minimum: 1, maximum: 10 },
    max_interval: duration,
    non_retryable: { type: 'array', items: { type: 'string', pattern: '^[A-Z][A-Z0-9_]*$' } },
  },
};

const call = {
  uses: { type: 'string', pattern: '^[a-z][a-z0-9_]*/[A-Za-z][A-Za-z0-9_-]*$' },
  with: { type: 'object' },
  retry,
  timeout: duration,
  heartbeat_timeout: duration,
};

/** `dbarch/<name>` names a procedure shipped in procedures/ (see docs/procedures.md). */
const procedureName = { type: 'string', pattern: '^(dbarch/)?[a-z][a-z0-9_-]*$' };
const environmentsCondition = { type: 'object', additionalProperties: false, required: ['environments'], properties: { environments: { type: 'array', minItems: 1, items: { type: 'string' } } } };
const envCondition = {
  type: 'object',
  additionalProperties: false,
  required: ['env'],
  properties: { env: { type: 'object', minProperties: 1, propertyNames: { pattern: '^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)?$' } } },
};

const common = {
  id: identifier,
  description: { type: 'string' },
  when: {
    oneOf: [
      environmentsCondition,
      envCondition,
      { type: 'object', additionalProperties: false, required: ['step', 'equals'], properties: { step: identifier, output: { type: 'string' }, equals: {} } },
    ],
  },
};

export const proceduresSchema = {
  $id: 'https://dbarch.dev/schemas/procedures.json',
  type: 'object',
  additionalProperties: false,
  properties: {
    roles: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string', minLength: 1 } } },
    definitions: {
      type: 'object',
      minProperties: 1,
      propertyNames: { pattern: '^[a-z][a-z0-9_-]*$' },
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['steps'],
        properties: {
          description: { type: 'string' },
          operation: identifier,
          steps: { type: 'array', minItems: 1, items: { $ref: '#/$defs/step' } },
        },
      },
    },
  },
  $defs: {
    step: {
      oneOf: [
        {
          type: 'object',
          additionalProperties: false,
          required: ['id', 'uses'],
          properties: {
            ...common,
            ...call,
            continue_on_error: { type: 'boolean', description: 'A failure is recorded and the procedure goes on (default false: it stops and compensates).' },
            compensate: {
              type: 'object',
              additionalProperties: false,
              required: ['uses'],
              properties: { ...call, description: { type: 'string' }, when: { oneOf: [environmentsCondition, envCondition] } },
            },
          },
        },
        {
          type: 'object',
          additionalProperties: false,
          required: ['id', 'approval'],
          properties: {
            ...common,
            approval: {
              type: 'object',
              additionalProperties: false,
              properties: {
                roles: { type: 'array', minItems: 1, items: { type: 'string' } },
                identities: { type: 'array', minItems: 1, items: { type: 'string' } },
                count: { type: 'integer', minimum: 1 },
                timeout: duration,
                on_timeout: { enum: ['reject', 'approve'] },
              },
            },
          },
        },
        { type: 'object', additionalProperties: false, required: ['id', 'wait'], properties: { ...common, wait: duration } },
        { type: 'object', additionalProperties: false, required: ['id', 'call'], properties: { ...common, call: procedureName } },
        {
          type: 'object',
          additionalProperties: false,
          required: ['id', 'parallel'],
          properties: {
            ...common,
            parallel: {
              type: 'array',
              minItems: 2,
              items: {
                anyOf: [
                  { $ref: '#/$defs/step' },
                  { type: 'object', additionalProperties: false, required: ['id', 'steps'], properties: { ...common, steps: { type: 'array', minItems: 1, items: { $ref: '#/$defs/step' } } } },
                ],
              },
            },
          },
        },
      ],
    },
  },
} as const;
