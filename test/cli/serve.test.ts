import { expect } from 'chai';
import { createServer, type Server } from 'node:net';
import { freePort } from '../support/freePort.ts';
import { sharedTemporal } from '../support/temporal.ts';
import { runCli, stackTrace } from './runCli.ts';

describe('dbarch serve: the port', function () {
  this.timeout(60_000);

  it('a port that is not a number is a usage error (exit 2), not a crash', async () => {
    const run = await runCli(['serve', '--port', 'abc'], { DBARCH_API_TOKEN: 't' });
    expect(run.code, run.output).to.equal(2);
    expect(run.output).to.match(/^DBA_USAGE: .*--port.*"abc"/m);
    expect(run.output).to.not.match(stackTrace);
  });

  it('a port in use is DBA_SERVE_LISTEN_FAILED naming it, with a hint (exit 1), not an unhandled error event', async () => {
    const port = await freePort();
    const holder: Server = createServer();
    await new Promise<void>((listening) => holder.listen(port, '127.0.0.1', listening));
    try {
      const temporal = await sharedTemporal();
      const run = await runCli(['serve', '--port', String(port)], { DBARCH_API_TOKEN: 't', TEMPORAL_ADDRESS: temporal.address });
      expect(run.code, run.output).to.equal(1);
      expect(run.output).to.match(new RegExp(`^DBA_SERVE_LISTEN_FAILED: .*127\\.0\\.0\\.1:${port}.*in use`, 'm'));
      expect(run.output).to.match(/^hint: .*--port/m);
      expect(run.output).to.not.match(stackTrace);
    } finally {
      holder.close();
    }
  });
});
