import { expect } from 'chai';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sendWebhook } from '../../activities/builtin/sendWebhook.ts';

/** The coded error a call is refused with (failing the test when it is not refused). */
async function refusal(call: Promise<unknown>): Promise<{ code: string; message: string }> {
  const outcome = await call.then(() => undefined, (error: unknown) => error as { code: string; message: string });
  if (outcome === undefined) throw new Error('expected the webhook to be refused');
  return outcome;
}

describe('builtin/webhook (sendWebhook) on a real HTTP receiver', () => {
  let server: Server;
  let base: string;
  const seen: { path: string; key: string | undefined; body: string }[] = [];
  const ctx = { idempotencyKey: 'wf-1:step-1', signal: new AbortController().signal };

  before(async () => {
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        seen.push({ path: request.url ?? '', key: request.headers['idempotency-key'] as string | undefined, body });
        const status = request.url?.startsWith('/ok') ? 200 : request.url?.startsWith('/busy') ? 503 : 404;
        response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ status }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server.close());

  it('posts the body with the step\'s idempotency key and returns the answer', async () => {
    const out = await sendWebhook({ url: `${base}/ok/hook`, body: { cluster: 'main' } }, ctx);
    expect(out).to.deep.equal({ status: 200, body: { status: 200 } });
    expect(seen.at(-1)).to.deep.equal({ path: '/ok/hook', key: 'wf-1:step-1', body: '{"cluster":"main"}' });
  });

  it('keeps a webhook\'s secret path and query out of its errors (a Slack incoming webhook\'s path is its token)', async () => {
    const refused = await refusal(sendWebhook({ url: `${base}/services/T0/B0/s3cret?token=t0ken`, body: {} }, ctx));
    expect(refused.code).to.equal('DBA_STEP_WEBHOOK');
    expect(refused.message).to.equal(`POST ${base}/services/… answered 404`);
    const busy = await refusal(sendWebhook({ url: `${base}/busy/x/y`, body: {} }, ctx));
    expect(busy.code, '5xx is worth a retry').to.equal('DBA_STEP_WEBHOOK_TRANSIENT');
    const down = await refusal(sendWebhook({ url: 'http://127.0.0.1:9/services/T0/B0/s3cret', body: {} }, ctx));
    expect(down.code).to.equal('DBA_STEP_WEBHOOK_TRANSIENT');
    expect(down.message).to.contain('http://127.0.0.1:9/services/…').and.not.contain('s3cret');
  });
});
