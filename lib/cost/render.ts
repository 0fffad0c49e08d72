/**
 * Renders cost estimates for people (`md`, `html`) and for tools (`csv`, `json`). Money is
 * rounded only when rendered: totals to cents, lines to cents in `md`/`html` (a non-zero line
 * below a cent shows as `<$0.01`; `format.ts`) and to 1/100 cent in `csv`, so its column sums stay close.
 */
import { COST_TAG_KEYS, type CostTagKey } from '../contract';
import { formatLineUsd, formatUsd } from './format';
import { price } from './prices';
import type { CostEstimate, CostLine, ReportFormat, TagTotal } from './types';

/** Renders one estimate or several (one per stage) in the given format. */
export function renderReport(estimate: CostEstimate | readonly CostEstimate[], format: ReportFormat): string {
  const estimates: readonly CostEstimate[] = isList(estimate) ? estimate : [estimate];
  switch (format) {
    case 'json':
      return `${JSON.stringify(estimate, null, 2)}\n`;
    case 'csv':
      return renderCsv(estimates);
    case 'md':
      return renderMarkdown(estimates);
    case 'html':
      return renderHtml(estimates);
    default:
      throw new Error(`unknown report format "${String(format)}"; use md, csv, json or html`);
  }
}

function isList(value: CostEstimate | readonly CostEstimate[]): value is readonly CostEstimate[] {
  return Array.isArray(value);
}

const TAG_HEADERS: readonly CostTagKey[] = COST_TAG_KEYS;

// ---------------------------------------------------------------------------------------------
// CSV
// ---------------------------------------------------------------------------------------------

/** The CSV header: one row per line of every estimate. */
export const CSV_HEADER = ['stage', 'stack', 'resource', 'type', ...TAG_HEADERS, 'idle_usd', 'expected_usd', 'basis'] as const;

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function renderCsv(estimates: readonly CostEstimate[]): string {
  const rows = [CSV_HEADER.join(',')];
  for (const e of estimates) {
    for (const line of e.lines) {
      rows.push(
        [e.stage, line.stack, line.resource, line.type, ...TAG_HEADERS.map((t) => line.tags[t] ?? ''), line.idleUsd.toFixed(4), line.expectedUsd.toFixed(4), line.basis]
          .map(csvField)
          .join(','),
      );
    }
  }
  return `${rows.join('\r\n')}\r\n`;
}

// ---------------------------------------------------------------------------------------------
// Markdown
// ---------------------------------------------------------------------------------------------

function mdCell(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function mdTable(header: readonly string[], align: readonly ('l' | 'r')[], rows: readonly (readonly string[])[]): string[] {
  return [
    `| ${header.map(mdCell).join(' | ')} |`,
    `| ${align.map((a) => (a === 'r' ? '---:' : '---')).join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(mdCell).join(' | ')} |`),
  ];
}

function usedPrices(e: CostEstimate): string[] {
  return [...new Set(e.lines.flatMap((l) => l.prices))].sort();
}

function renderMarkdown(estimates: readonly CostEstimate[]): string {
  const out: string[] = ['# Gantry cost estimate', ''];
  out.push('Monthly USD. **Idle**: what the stage costs with no traffic (always-on resources and fixed fees). **Expected**: at the usage the config assumes, idle included.', '');
  out.push('## Totals', '');
  out.push(...mdTable(['Stage', 'Region', 'Idle', 'Expected'], ['l', 'l', 'r', 'r'], estimates.map((e) => [e.stage, e.region, formatUsd(e.idleUsd), formatUsd(e.expectedUsd)])));
  for (const e of estimates) {
    out.push('', `## Stage ${e.stage}`, '');
    out.push(`Region ${e.region}: factor ${e.regionalFactor.factor} (${e.regionalFactor.note}). Prices retrieved ${e.pricesRetrieved} (lib/cost/prices.ts).`, '');
    out.push(`Idle **${formatUsd(e.idleUsd)}**, expected **${formatUsd(e.expectedUsd)}** a month.`, '');
    out.push('### By cost tag', '');
    for (const tag of COST_TAG_KEYS) {
      out.push(`#### ${tag}`, '');
      out.push(...mdTable(['Value', 'Idle', 'Expected'], ['l', 'r', 'r'], totalsOf(e, tag).map((t) => [t.value, formatUsd(t.idleUsd), formatUsd(t.expectedUsd)])), '');
    }
    out.push('### Lines', '');
    out.push(
      ...mdTable(
        ['Stack', 'Resource', 'Type', 'Team', 'Model', 'Idle', 'Expected', 'Basis'],
        ['l', 'l', 'l', 'l', 'l', 'r', 'r', 'l'],
        sortedLines(e).map((l) => [l.stack, l.resource, l.type, l.tags.Team ?? '', l.tags.Model ?? '', formatLineUsd(l.idleUsd), formatLineUsd(l.expectedUsd), l.basis]),
      ),
    );
    if (e.freeResources && e.freeResources.length > 0) {
      out.push('', '### Free resources (no line)', '');
      out.push(...mdTable(['Type', 'Count', 'Why'], ['l', 'r', 'l'], e.freeResources.map((f) => [f.type, String(f.count), f.reason])));
    }
    out.push('', '### Prices used', '');
    out.push(
      ...mdTable(
        ['Key', 'USD', 'Unit', 'Retrieved', 'Source', 'Note'],
        ['l', 'r', 'l', 'l', 'l', 'l'],
        usedPrices(e).map((key) => {
          const p = price(key);
          return [key, String(p.usd), p.unit, p.retrieved, p.source, p.note ?? ''];
        }),
      ),
    );
  }
  return `${out.join('\n')}\n`;
}

function totalsOf(e: CostEstimate, tag: CostTagKey): TagTotal[] {
  return e.byTag.filter((t) => t.tag === tag);
}

/** Lines, dearest first (expected), then by stack and resource. */
function sortedLines(e: CostEstimate): CostLine[] {
  return [...e.lines].sort((a, b) => b.expectedUsd - a.expectedUsd || a.stack.localeCompare(b.stack) || a.resource.localeCompare(b.resource));
}

// ---------------------------------------------------------------------------------------------
// HTML: one self-contained page, inline CSS and SVG, no script and no external reference
// ---------------------------------------------------------------------------------------------

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const CSS = `
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem;color:#1f2933;background:#fff;line-height:1.4}
h1{font-size:1.6rem}h2{font-size:1.3rem;margin-top:2.5rem;border-bottom:1px solid #d9e2ec}h3{font-size:1.1rem;margin-top:1.5rem}
table{border-collapse:collapse;margin:.5rem 0 1rem;font-size:.85rem}
th,td{border:1px solid #d9e2ec;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f0f4f8}td.num,th.num{text-align:right;white-space:nowrap}
.charts{display:flex;flex-wrap:wrap;gap:1.5rem}.chart{border:1px solid #d9e2ec;padding:.5rem}
.legend span{display:inline-block;margin-right:1rem}.swatch{display:inline-block;width:.8rem;height:.8rem;margin-right:.3rem;vertical-align:middle}
.idle{fill:#9fb3c8;background:#9fb3c8}.expected{fill:#2680c2;background:#2680c2}
.note{color:#52606d;font-size:.85rem}
`;

function chart(e: CostEstimate, tag: CostTagKey): string {
  const totals = totalsOf(e, tag);
  const labelWidth = 150;
  const barWidth = 300;
  const valueWidth = 150;
  const rowHeight = 34;
  const width = labelWidth + barWidth + valueWidth;
  const height = 28 + totals.length * rowHeight;
  const max = Math.max(0, ...totals.map((t) => Math.max(t.idleUsd, t.expectedUsd)));
  const scale = (usd: number) => (max > 0 ? (usd / max) * barWidth : 0);
  const rows = totals.map((t, i) => {
    const y = 24 + i * rowHeight;
    const label = escapeHtml(t.value);
    return [
      `<text x="${labelWidth - 6}" y="${y + 14}" text-anchor="end" font-size="12">${label}</text>`,
      `<rect class="idle" x="${labelWidth}" y="${y}" width="${scale(t.idleUsd).toFixed(2)}" height="12"><title>${label} idle ${escapeHtml(formatUsd(t.idleUsd))}</title></rect>`,
      `<rect class="expected" x="${labelWidth}" y="${y + 14}" width="${scale(t.expectedUsd).toFixed(2)}" height="12"><title>${label} expected ${escapeHtml(formatUsd(t.expectedUsd))}</title></rect>`,
      `<text x="${labelWidth + barWidth + 6}" y="${y + 10}" font-size="11">idle ${escapeHtml(formatUsd(t.idleUsd))}</text>`,
      `<text x="${labelWidth + barWidth + 6}" y="${y + 24}" font-size="11">expected ${escapeHtml(formatUsd(t.expectedUsd))}</text>`,
    ].join('');
  });
  return [
    `<figure class="chart" data-tag="${escapeHtml(tag)}">`,
    `<svg class="tag-chart" role="img" aria-label="${escapeHtml(`${e.stage}: idle and expected monthly USD by ${tag}`)}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<text x="0" y="14" font-size="13" font-weight="bold">${escapeHtml(tag)}</text>`,
    ...rows,
    '</svg>',
    '</figure>',
  ].join('');
}

function htmlTable(header: readonly string[], numeric: readonly boolean[], rows: readonly (readonly string[])[]): string {
  const th = header.map((h, i) => `<th${numeric[i] ? ' class="num"' : ''}>${escapeHtml(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c, i) => `<td${numeric[i] ? ' class="num"' : ''}>${escapeHtml(c)}</td>`).join('')}</tr>`).join('\n');
  return `<table><thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

function renderHtml(estimates: readonly CostEstimate[]): string {
  const sections = estimates.map((e) => {
    const free = e.freeResources && e.freeResources.length > 0
      ? `<h3>Free resources (no line)</h3>${htmlTable(['Type', 'Count', 'Why'], [false, true, false], e.freeResources.map((f) => [f.type, String(f.count), f.reason]))}`
      : '';
    return [
      `<section class="stage" id="stage-${escapeHtml(e.stage)}">`,
      `<h2>Stage ${escapeHtml(e.stage)}</h2>`,
      `<p>Idle <strong>${escapeHtml(formatUsd(e.idleUsd))}</strong>, expected <strong>${escapeHtml(formatUsd(e.expectedUsd))}</strong> a month.</p>`,
      `<p class="note">Region ${escapeHtml(e.region)}: factor ${e.regionalFactor.factor} (${escapeHtml(e.regionalFactor.note)}). Prices retrieved ${escapeHtml(e.pricesRetrieved)} (lib/cost/prices.ts).</p>`,
      '<h3>By cost tag</h3>',
      '<p class="legend"><span><span class="swatch idle"></span>idle</span><span><span class="swatch expected"></span>expected</span></p>',
      `<div class="charts">${COST_TAG_KEYS.map((tag) => chart(e, tag)).join('\n')}</div>`,
      '<h3>Lines</h3>',
      htmlTable(
        ['Stack', 'Resource', 'Type', ...TAG_HEADERS, 'Idle', 'Expected', 'Basis'],
        [false, false, false, ...TAG_HEADERS.map(() => false), true, true, false],
        sortedLines(e).map((l) => [l.stack, l.resource, l.type, ...TAG_HEADERS.map((t) => l.tags[t] ?? ''), formatLineUsd(l.idleUsd), formatLineUsd(l.expectedUsd), l.basis]),
      ),
      free,
      '<h3>Prices used</h3>',
      htmlTable(
        ['Key', 'USD', 'Unit', 'Retrieved', 'Source', 'Note'],
        [false, true, false, false, false, false],
        usedPrices(e).map((key) => {
          const p = price(key);
          return [key, String(p.usd), p.unit, p.retrieved, p.source, p.note ?? ''];
        }),
      ),
      '</section>',
    ].join('\n');
  });
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    // Nothing may load: the page is one file, readable offline and safe to mail around.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<title>Gantry cost estimate</title>',
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    '<h1>Gantry cost estimate</h1>',
    '<p>Monthly USD. <strong>Idle</strong>: with no traffic (always-on resources and fixed fees). <strong>Expected</strong>: at the usage the config assumes, idle included.</p>',
    htmlTable(['Stage', 'Region', 'Idle', 'Expected'], [false, false, true, true], estimates.map((e) => [e.stage, e.region, formatUsd(e.idleUsd), formatUsd(e.expectedUsd)])),
    ...sections,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
