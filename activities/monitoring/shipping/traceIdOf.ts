/** The trace id (32 lowercase hex digits) of a W3C traceparent (`00-<trace id>-<parent id>-<flags>`), if it is one. */
export function traceIdOf(traceparent: string | undefined): string | undefined {
  const traceId = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/.exec(traceparent?.trim() ?? '')?.[1];
  // The all-zero id is invalid by the spec: it names no trace.
  return traceId === undefined || /^0+$/.test(traceId) ? undefined : traceId;
}
