import { expect } from 'chai';
import { createServer, type Server } from 'node:net';
import { freePort } from '../support/freePort.ts';
import { sharedTemporal } from '../support/temporal.ts';
import { spawnTs } from '../support/childProcess.ts';
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

  it('serves: health without a token, 401 without one elsewhere, and SIGTERM stops it with exit 0', async () => {
    const temporal = await sharedTemporal();
    const port = await freePort();
    const server = spawnTs('bin/dbarch.js', ['serve', 'specs/platform.yaml', '--port', String(port)], { DBARCH_API_TOKEN: 't0ken', TEMPORAL_ADDRESS: temporal.address, DBARCH_LOG_LEVEL: 'warn' });
    try {
      await server.waitForLine(new RegExp(`listening on http://127\\.0\\.0\\.1:${port}`));
      const health = await fetch(`http://127.0.0.1:${port}/health`);
      expect(health.status).to.equal(200);
      expect(await health.json()).to.deep.equal({ status: 'ok' });
      const refused = await fetch(`http://127.0.0.1:${port}/api/v1/migrations`, { method: 'POST', body: '{"environment":"staging"}' });
      expect(refused.status).to.equal(401);
      expect(((await refused.json()) as { error: { code: string } }).error.code).to.equal('DBA_API_UNAUTHORISED');
      server.process.kill('SIGTERM');
      expect(await server.exited, server.output()).to.equal(0);
    } finally {
      server.process.kill('SIGKILL');
    }
  });
});
