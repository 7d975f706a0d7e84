import { expect } from 'chai';
import { compileSpec } from '../../compiler/compileSpec.ts';
import { createPluginRegistry } from '../../plugins/createPluginRegistry.ts';
import { createPluginDeps } from '../../plugins/PluginDeps.ts';
import { serviceUrls } from '../../runtime/serviceUrls.ts';
import { testLog } from '../support/temporal.ts';
import { writeMonitoringSpec } from './exporterSpec.ts';

describe('monitoring capability: registered in-tree, its settings offered to procedures', () => {
  it('offers {{ monitoring.exporter_url }} from the spec\'s prometheus exporter, and nothing without one', async () => {
    const registry = createPluginRegistry(createPluginDeps(serviceUrls(), testLog), []);
    const withExporter = writeMonitoringSpec(
      [{ name: 'main', primary: 'postgres://postgres@127.0.0.1:5432/postgres', databases: ['postgres'] }],
      'monitoring_config:\n  exporters:\n    - type: prometheus\n      host: 0.0.0.0\n      port: 9300\n      metrics: [pg_stat_database]\n',
    );
    const compiled = await compileSpec([withExporter]);
    expect(compiled.errors).to.deep.equal([]);
    const context = registry.planContext(compiled.spec!, 'dev');
    expect(context.settings.monitoring).to.deep.equal({ exporter_url: 'http://0.0.0.0:9300/metrics' });
    expect(context.sources['monitoring.exporter_url']?.path).to.deep.equal(['monitoring_config', 'exporters']);

    const seed = await compileSpec(['specs/examples/06-monitoring_config.yaml']);
    expect(registry.planContext(seed.spec!, 'dev').settings.monitoring).to.deep.equal({ exporter_url: 'http://127.0.0.1:9187/metrics' });
    const none = await compileSpec(['specs/examples/01-gateway_config.yaml']);
    expect(registry.planContext(none.spec!, 'dev').settings.monitoring ?? {}).to.deep.equal({});
  });
});
