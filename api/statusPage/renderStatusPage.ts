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

function backupsSection(report: StatusReport): string {
  const { platform, drills } = report;
  const backups = isUnavailable(platform) ? platform : platform.backups;
  const backupPart = backups === undefined
    ? '<p class="muted">The spec has no backup_config.</p>'
    : isUnavailable(backups)
      ? `<p class="bad">backups unavailable: ${esc(backups.unavailable)}</p>`
      : `<table id="backups"><thead><tr><th>cluster</th><th>last base backup</th><th>size</th><th>complete backups</th></tr></thead><tbody>${backups.map((b) => `<tr data-cluster="${esc(b.cluster)}"><td>${esc(b.cluster)}</td><td>${b.lastSuccessAt === null ? '<span class="bad">none</span>' : esc(b.lastSuccessAt)}</td><td class="num">${b.lastSizeBytes === null ? '' : esc(bytes(b.lastSizeBytes))}</td><td class="num">${esc(b.complete)}</td></tr>`).join('')}</tbody></table>`;
  const drillPart = isUnavailable(drills)
    ? `<p class="bad">drills unavailable: ${esc(drills.unavailable)}</p>`
    : drills.length === 0
      ? '<p class="muted">No drill has completed yet (dbarch backup drill, dbarch cluster drill).</p>'
      : `<table id="drills"><thead><tr><th>cluster</th><th>drill</th><th>result</th><th>finished</th><th>took</th><th>write gap</th></tr></thead><tbody>${drills.map((d) => `<tr data-cluster="${esc(d.cluster)}" data-drill="${esc(d.drill)}"><td>${esc(d.cluster)}</td><td>${esc(d.drill)}</td><td>${d.passed ? '<span class="ok">passed</span>' : `<span class="bad">failed</span> ${esc(d.reason ?? '')}`}</td><td>${esc(d.closedAt.toISOString())}</td><td class="num">${esc((d.durationMs / 1000).toFixed(1))} s</td><td class="num">${d.writeGapMs === undefined ? '' : `${esc(d.writeGapMs)} ms`}</td></tr>`).join('')}</tbody></table>`;
  return backupPart + drillPart;
}

function queuesSection(platform: StatusReport['platform']): string {
  if (isUnavailable(platform)) return `<p class="bad">unavailable: ${esc(platform.unavailable)}</p>`;
  const parts: string[] = [];
  const { queues, outbox } = platform;
  if (queues !== undefined) {
    parts.push(isUnavailable(queues)
      ? `<p class="bad">queues unavailable: ${esc(queues.unavailable)}</p>`
      : `<table id="queues"><thead><tr><th>queue</th><th>ready messages</th><th>consumers</th></tr></thead><tbody>${queues.map((q) => `<tr data-queue="${esc(q.queue)}"><td>${esc(q.queue)}</td><td class="num">${esc(q.messages)}</td><td class="num${q.consumers === 0 ? ' warn' : ''}">${esc(q.consumers ?? '')}</td></tr>`).join('')}</tbody></table>`);
  }
  if (outbox !== undefined) {
    parts.push(isUnavailable(outbox)
      ? `<p class="bad">outbox unavailable: ${esc(outbox.unavailable)}</p>`
      : `<table id="outbox"><thead><tr><th>outbox of</th><th>backlog</th><th>oldest event</th><th>dead letters</th></tr></thead><tbody>${outbox.map((o) => `<tr data-database="${esc(o.database)}"><td>${esc(o.database)}</td><td class="num">${esc(o.backlog)}</td><td class="num">${o.oldestAgeSeconds === null ? '' : `${esc(o.oldestAgeSeconds.toFixed(1))} s`}</td><td class="num${(o.deadLetters ?? 0) > 0 ? ' bad' : ''}">${esc(o.deadLetters ?? '')}</td></tr>`).join('')}</tbody></table>`);
  }
  return parts.length === 0 ? '<p class="muted">The spec has no queue_config.</p>' : parts.join('');
}

function bytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]!}`;
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
<h2>Backups and drills</h2>
${backupsSection(report)}
<h2>Queues and outbox</h2>
${queuesSection(report.platform)}
<h2>Running workflows</h2>
${workflowsSection(report.workflows)}
</body></html>`;
}
