import type { TopologyReport } from '../../app/clusterTopologyReport.ts';
import type { StatusReport, Unavailable } from '../../app/statusReport.ts';

/** Text for HTML: everything shown comes from servers and specs, so all of it is escaped. */
function esc(value: string | number | null | undefined): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function isUnavailable(value: unknown): value is Unavailable {
  return typeof value === 'object' && value !== null && 'unavailable' in value;
}

/** The bar scale: lag past this fills the bar (red), the data plane's default max_replication_lag. */
const lagScaleMs = 10_000;

/** A horizontal bar for a replica's replay lag: a chart reads faster than a column of numbers. */
function lagBar(lagMs: number | null): string {
  if (lagMs === null) return '<span class="muted">–</span>';
  const share = Math.min(1, lagMs / lagScaleMs);
  const colour = share >= 1 ? '#c62828' : share > 0.5 ? '#ef6c00' : '#2e7d32';
  return `<svg class="bar" width="120" height="10" role="img" aria-label="lag ${esc(lagMs)} ms"><rect width="120" height="10" fill="#eee"/><rect width="${(share * 120).toFixed(1)}" height="10" fill="${colour}"/></svg> <span class="num">${esc(lagMs)} ms</span>`;
}

function clusterSection(report: TopologyReport | (Unavailable & { readonly cluster: string })): string {
  if (isUnavailable(report)) return `<section class="cluster" data-cluster="${esc(report.cluster)}"><h3>${esc(report.cluster)}</h3><p class="bad">unavailable: ${esc(report.unavailable)}</p></section>`;
  const t = report.topology;
  const published = t === null
    ? '<p class="bad">no topology published (run <code>dbarch cluster up</code>)</p>'
    : `<p>primary <b data-field="primary">${esc(t.primary.member)}</b> · epoch ${esc(t.epoch)} · timeline ${esc(t.timeline ?? '?')}${t.fenced.length > 0 ? ` · fenced: ${esc(t.fenced.join(', '))}` : ''} · ${esc(report.mode)} replication</p>`;
  const rows = report.members.map((m) => {
    const state = !m.reachable ? '<span class="bad">down</span>' : m.role === 'primary' ? '<span class="ok">primary</span>' : '<span class="ok">standby</span>';
    return `<tr data-member="${esc(m.member)}"><td>${esc(m.member)}</td><td>${esc(m.host)}:${esc(m.port)}</td><td>${state}</td><td>${esc(m.timeline ?? '')}</td><td data-field="lag">${m.role === 'standby' ? lagBar(m.replayLagMs) : ''}</td><td class="num">${m.lagBytes === null || m.role !== 'standby' ? '' : esc(m.lagBytes)}</td><td>${esc(m.syncState ?? '')}${m.replayPaused === true ? ' <span class="warn">replay paused</span>' : ''}</td><td class="num">${esc(m.latencyMs)} ms</td></tr>`;
  }).join('');
  const last = report.lastFailover === null ? '' : `<p>last ${esc(report.lastFailover.kind)}: ${esc(report.lastFailover.changedAt)} → ${esc(report.lastFailover.primary.member)} (${esc(report.lastFailover.reason)})</p>`;
  const warnings = report.warnings.map((w) => `<li>${esc(w)}</li>`).join('');
  return `<section class="cluster" data-cluster="${esc(report.cluster)}"><h3>${esc(report.cluster)}</h3>${published}
<table><thead><tr><th>member</th><th>address</th><th>state</th><th>timeline</th><th>replay lag</th><th>lag bytes</th><th>sync</th><th>check</th></tr></thead><tbody>${rows}</tbody></table>
${last}${warnings === '' ? '' : `<ul class="warn">${warnings}</ul>`}</section>`;
}

function alertsSection(alerts: StatusReport['alerts']): string {
  if (alerts === undefined) return '<p class="muted">No Alertmanager configured (DBARCH_ALERTMANAGER_URL) and no built-in evaluator running (dbarch monitoring evaluate).</p>';
  if (isUnavailable(alerts)) return `<p class="bad">unavailable: ${esc(alerts.unavailable)}</p>`;
  if (alerts.length === 0) return '<p class="ok">No alerts firing.</p>';
  return `<table id="alerts"><thead><tr><th>alert</th><th>severity</th><th>summary</th><th>since</th></tr></thead><tbody>${alerts.map((a) => `<tr class="firing"><td>${esc(a.name)}</td><td>${esc(a.severity ?? '')}</td><td>${esc(a.summary ?? '')}</td><td>${esc(a.startsAt)}</td></tr>`).join('')}</tbody></table>`;
}

function workflowsSection(workflows: StatusReport['workflows']): string {
  if (isUnavailable(workflows)) return `<p class="bad">unavailable: ${esc(workflows.unavailable)}</p>`;
  if (workflows.length === 0) return '<p class="muted">No workflow running.</p>';
  return `<table id="workflows"><thead><tr><th>workflow</th><th>type</th><th>started</th></tr></thead><tbody>${workflows.map((w) => `<tr><td>${w.uiUrl === null ? esc(w.workflowId) : `<a href="${esc(w.uiUrl)}">${esc(w.workflowId)}</a>`}</td><td>${esc(w.type)}</td><td>${esc(w.startedAt ?? '')}</td></tr>`).join('')}</tbody></table>`;
}

/** dbarch's status page: plain server-rendered HTML that reloads itself, readable without JavaScript. */
export function renderStatusPage(report: StatusReport): string {
  const clusters = report.clusters.length === 0 ? '<p class="muted">The spec has no managed cluster (clusters[].members).</p>' : report.clusters.map(clusterSection).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="10"><title>dbarch status</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:1.5rem;color:#222}h1{font-size:1.3rem}h2{font-size:1.1rem;margin-top:1.5rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:.5rem 0}th,td{padding:.25rem .6rem;text-align:left;border-bottom:1px solid #eee}th{font-weight:600;color:#555}
.num{font-variant-numeric:tabular-nums}.ok{color:#2e7d32}.bad{color:#c62828}.warn{color:#ef6c00}.muted{color:#888}.bar{vertical-align:middle}
tr.firing td:first-child{color:#c62828;font-weight:600}
</style></head>
<body><h1>dbarch status</h1><p class="muted">${esc(report.spec)} · ${esc(report.generatedAt)}</p>
<h2>Clusters</h2>
${clusters}
<h2>Alerts</h2>
${alertsSection(report.alerts)}
<h2>Running workflows</h2>
${workflowsSection(report.workflows)}
</body></html>`;
}
