import { expect } from 'chai';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Route53RecordSettings } from '../../activities/dns/DnsRecordInput.ts';
import { updateDnsRecord } from '../../activities/dns/updateDnsRecord.ts';
import { isDbarchError } from '../../errors/DbarchError.ts';
import { testLog } from '../support/temporal.ts';

// No Route53 server runs here (no AWS, and none of the local emulators is reachable from this machine), so this
// file claims nothing about how AWS answers. It checks what dbarch does before and around the API: input checks,
// which request it sends first, and that no answer at all is a retryable coded error. PowerDNS proves the step
// end to end (test/dns/powerDns.test.ts).
const ctx = { signal: new AbortController().signal, idempotencyKey: 'test:route53', log: testLog };

async function failure(promise: Promise<unknown>): Promise<{ code: string; retryable: boolean | undefined }> {
  return promise.then(
    () => ({ code: 'no error', retryable: undefined }),
    (error: unknown) => (isDbarchError(error) ? { code: error.code, retryable: error.retryable } : { code: `not coded: ${String(error)}`, retryable: undefined }),
  );
}

describe('dns/update_record at Route53 (no AWS: request shape and failures only)', () => {
  let server: Server;
  const requests: { method: string; url: string; authorization: string }[] = [];
  let settings: Route53RecordSettings;

  before(async () => {
    // Signing needs credentials; these sign requests to a local listener only.
    process.env.AWS_ACCESS_KEY_ID = 'AKIDDBARCHTEST';
    process.env.AWS_SECRET_ACCESS_KEY = 'dbarch-test-secret';
    // A listener that records what it is asked and answers nothing useful (503), so no AWS answer is imitated.
    server = createServer((request: IncomingMessage, response) => {
      requests.push({ method: request.method ?? '', url: request.url ?? '', authorization: String(request.headers.authorization ?? '') });
      request.resume();
      response.writeHead(503).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    settings = { provider: 'route53', hosted_zone_id: 'Z0DBARCHTEST', endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, name: 'primary.db.example.com', type: 'A', ttl: 10 };
  });
  after(async () => {
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
    await new Promise((resolve) => server.close(resolve));
  });

  it('refuses a value that does not fit the record type before any request', async () => {
    requests.length = 0;
    expect(await failure(updateDnsRecord({ ...settings, value: 'pg-1.example.com' }, ctx))).to.deep.equal({ code: 'DBA_DNS_INPUT', retryable: false });
    expect(await failure(updateDnsRecord({ ...settings, type: 'AAAA', value: '10.0.0.1' }, ctx))).to.deep.equal({ code: 'DBA_DNS_INPUT', retryable: false });
    expect(requests).to.deep.equal([]);
  });

  it('first reads the record set at the configured endpoint, signed; a server error is retryable and nothing is changed', async () => {
    requests.length = 0;
    expect(await failure(updateDnsRecord({ ...settings, value: '10.0.0.1' }, ctx))).to.deep.equal({ code: 'DBA_DNS_UNREACHABLE', retryable: true });
    // One request (the SDK's own retries are off): ListResourceRecordSets from the record's absolute name and type.
    expect(requests).to.have.length(1);
    const [request] = requests;
    expect(request?.method).to.equal('GET');
    const url = new URL(request!.url, 'http://x');
    expect(url.pathname).to.equal('/2013-04-01/hostedzone/Z0DBARCHTEST/rrset');
    expect(Object.fromEntries(url.searchParams)).to.deep.equal({ name: 'primary.db.example.com.', type: 'A', maxitems: '1' });
    expect(request?.authorization).to.match(/^AWS4-HMAC-SHA256 Credential=AKIDDBARCHTEST\/\d{8}\/us-east-1\/route53\/aws4_request/);
  });

  it('an endpoint that refuses connections is retryable DBA_DNS_UNREACHABLE', async () => {
    expect(await failure(updateDnsRecord({ ...settings, endpoint: 'http://127.0.0.1:1', value: '10.0.0.1' }, ctx))).to.deep.equal({ code: 'DBA_DNS_UNREACHABLE', retryable: true });
  });
});
