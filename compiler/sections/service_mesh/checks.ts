import { formatDuration, parseDuration } from '../../grammar/parseDuration.ts';
import type { SectionCheckContext } from '../../SectionDefinition.ts';
import { checkDatabaseReference } from '../clusters/checkDatabaseReference.ts';
import { checkMemberEndpoints } from '../clusters/checkMemberEndpoints.ts';
import { reportDuplicates } from '../reportDuplicates.ts';
import type { ServiceMesh } from './schema.ts';

export function checkServiceMesh(mesh: ServiceMesh, ctx: SectionCheckContext): void {
  const services = mesh.database_services;
  const mtls = mesh.mtls;
  if (typeof mtls === 'object' && (mtls.certificate === undefined) !== (mtls.key === undefined)) {
    ctx.error(['mtls', mtls.certificate === undefined ? 'certificate' : 'key'], 'DBA_SPEC_MISSING_KEY', `mtls gives a client ${mtls.certificate === undefined ? 'key without its certificate' : 'certificate without its key'}`, 'give both `certificate` and `key` (a role that logs in by certificate), or neither (TLS with server verification only)');
  }
  reportDuplicates(ctx, services.map((s, i) => ({ value: s.name, path: ['database_services', i, 'name'] })), 'mesh service');
  services.forEach((service, i) => {
    const base = ['database_services', i] as const;
    reportDuplicates(ctx, service.endpoints.map((e, j) => ({ value: `${e.host}:${e.port}`, path: [...base, 'endpoints', j] })), 'endpoint');
    if (service.endpoints.every((e) => (e.weight ?? 1) === 0)) {
      ctx.error([...base, 'endpoints'], 'DBA_SPEC_WEIGHTS', `every endpoint of \`${service.name}\` has weight 0, so none receives traffic`);
    }
    const hc = service.health_check;
    if (hc !== undefined) {
      const interval = parseDuration(hc.interval);
      const timeout = parseDuration(hc.timeout);
      if (interval.ok && timeout.ok && timeout.value >= interval.value) {
        ctx.error([...base, 'health_check', 'timeout'], 'DBA_SPEC_HEALTH_TIMEOUT', `health-check timeout ${formatDuration(timeout.value)} is not shorter than its interval ${formatDuration(interval.value)}`);
      }
    }
    if (service.cluster !== undefined) {
      checkDatabaseReference(ctx, { cluster: service.cluster }, [...base, 'cluster'], [...base, 'cluster']);
      checkMemberEndpoints(ctx, service, base);
    }
  });
}
