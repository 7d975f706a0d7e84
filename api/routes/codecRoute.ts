import { Type, type Static } from '@sinclair/typebox';
import type { Payload, PayloadCodec } from '@temporalio/common';
import type { FastifyInstance } from 'fastify';

const WirePayload = Type.Object({ metadata: Type.Optional(Type.Record(Type.String(), Type.String())), data: Type.Optional(Type.String()) }, { additionalProperties: false });
const Payloads = Type.Object({ payloads: Type.Array(WirePayload, { maxItems: 10_000 }) }, { additionalProperties: false });
type Payloads = Static<typeof Payloads>;

export interface CodecRouteOptions {
  readonly codec: PayloadCodec;
  /** The Web UI's origin (e.g. http://127.0.0.1:8233): the browser calls the codec from there. */
  readonly uiOrigin?: string;
}

/**
 * `POST /codec/encode` and `/codec/decode`: Temporal's codec-server protocol, so the Web UI (Settings → Codec
 * Server, with "pass the access token") and `temporal workflow show --codec-endpoint` read encrypted payloads.
 * Behind the API's bearer token like every route; the CORS preflight alone is answered without one.
 */
export function codecRoute(app: FastifyInstance, options: CodecRouteOptions): void {
  const origin = options.uiOrigin;
  if (origin !== undefined) {
    app.addHook('onSend', (request, reply, payload, done) => {
      if (request.url.startsWith('/codec/')) {
        void reply.header('access-control-allow-origin', origin);
        void reply.header('access-control-allow-credentials', 'true');
        void reply.header('vary', 'origin');
      }
      done(null, payload);
    });
  }
  for (const direction of ['encode', 'decode'] as const) {
    app.options(`/codec/${direction}`, { config: { public: true } }, (_request, reply) => {
      void reply
        .header('access-control-allow-methods', 'POST')
        .header('access-control-allow-headers', 'authorization,content-type,x-namespace')
        .code(204)
        .send();
    });
    app.post<{ Body: Payloads }>(`/codec/${direction}`, { schema: { body: Payloads, response: { 200: Payloads } } }, async (request) => {
      const payloads = request.body.payloads.map(fromWire);
      const done = direction === 'encode' ? await options.codec.encode(payloads) : await options.codec.decode(payloads);
      return { payloads: done.map(toWire) };
    });
  }
}

function fromWire(payload: Payloads['payloads'][number]): Payload {
  return {
    metadata: Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([key, value]) => [key, Buffer.from(value, 'base64')])),
    data: Buffer.from(payload.data ?? '', 'base64'),
  };
}

function toWire(payload: Payload): Payloads['payloads'][number] {
  return {
    metadata: Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([key, value]) => [key, Buffer.from(value ?? []).toString('base64')])),
    data: Buffer.from(payload.data ?? []).toString('base64'),
  };
}
