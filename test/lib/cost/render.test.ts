import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderReport, type CostEstimate } from '../../../lib/cost';
import { formatUsd } from '../../../lib/cost/format';
import { CSV_HEADER } from '../../../lib/cost/render';
import { estimate } from './stage-templates';

const CHROMIUM = '/usr/bin/chromium';

/** A hand-made estimate whose text needs escaping in every format. */
const TRICKY: CostEstimate = {
  stage: 'trick',
  region: 'us-east-1',
  regionalFactor: { factor: 1, note: "us-east-1: the price table's region" },
  idleUsd: 1234.5,
  expectedUsd: 2345.678,
  lines: [
    {
      stack: 'gantry-trick-data',
      resource: 'Key<1>',
      type: 'AWS::KMS::Key',
      tags: { Team: '<script>alert("x")</script>', Model: 'a|b' },
      idleUsd: 1234.5,
      expectedUsd: 2345.678,
      basis: 'says "hi", with a comma | and a pipe\nand a newline',
      prices: ['kms.key-month'],
    },
    { stack: 'gantry-trick-data', resource: 'Tiny', type: 'AWS::SNS::Topic', tags: {}, idleUsd: 0, expectedUsd: 0.000009, basis: 'tiny', prices: ['sns.publish-million'] },
  ],
  byTag: [
    { tag: 'Team', value: '<script>alert("x")</script>', idleUsd: 1234.5, expectedUsd: 2345.678 },
    { tag: 'Team', value: '(untagged)', idleUsd: 0, expectedUsd: 0.000009 },
  ],
  pricesRetrieved: '2026-11-22',
};

/** Splits CSV text into rows of fields (RFC 4180: quoted fields, doubled quotes, CRLF). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}

describe('renderReport', () => {
  let dev: CostEstimate;
  let prod: CostEstimate;
  beforeAll(() => {
    dev = estimate('dev').estimate;
    prod = estimate('prod').estimate;
  });

  describe('csv', () => {
    it('writes one row per line of every stage, with the stage, the five tags, idle, expected and basis', () => {
      const rows = parseCsv(renderReport([dev, prod], 'csv'));
      expect(rows[0]).toEqual([...CSV_HEADER]);
      expect(rows[0]).toEqual(['stage', 'stack', 'resource', 'type', 'CostCenter', 'Team', 'Project', 'Environment', 'Model', 'idle_usd', 'expected_usd', 'basis']);
      expect(rows).toHaveLength(1 + dev.lines.length + prod.lines.length);
      for (const row of rows.slice(1)) expect(row).toHaveLength(12);
      const endpoint = rows.find((r) => r[0] === 'prod' && r[2] === 'churn/endpoint')!;
      expect(endpoint).toEqual(['prod', 'gantry-prod-model-churn', 'churn/endpoint', 'modelled:sagemaker-endpoint', 'CC-1001', 'growth-ml', 'gantry', 'prod', 'churn', '1445.4000', '1445.4000', expect.stringContaining('ml.inf2.xlarge')]);
      const idle = rows.filter((r) => r[0] === 'dev').reduce((a, r) => a + Number(r[9]), 0);
      expect(idle).toBeCloseTo(dev.idleUsd, 3);
    });

    it('quotes fields with commas, quotes and newlines', () => {
      const rows = parseCsv(renderReport(TRICKY, 'csv'));
      expect(rows[1]![11]).toBe('says "hi", with a comma | and a pipe\nand a newline');
      expect(rows[1]![5]).toBe('<script>alert("x")</script>');
      expect(rows[2]!.slice(9, 11)).toEqual(['0.0000', '0.0000']);
    });
  });

  describe('md', () => {
    it('has the totals, a table per cost tag, the lines and the prices used', () => {
      const md = renderReport([dev, prod], 'md');
      expect(md.startsWith('# Gantry cost estimate\n')).toBe(true);
      expect(md).toContain(`| dev | us-east-1 | ${formatUsd(dev.idleUsd)} | ${formatUsd(dev.expectedUsd)} |`);
      expect(md).toContain(`| prod | us-east-1 | ${formatUsd(prod.idleUsd)} | ${formatUsd(prod.expectedUsd)} |`);
      for (const tag of ['CostCenter', 'Team', 'Project', 'Environment', 'Model']) expect(md.match(new RegExp(`^#### ${tag}$`, 'gm'))).toHaveLength(2);
      expect(md).toMatch(/^\| gantry-prod-model-churn \| churn\/endpoint \| modelled:sagemaker-endpoint \| growth-ml \| churn \| \$1,445\.40 \| \$1,445\.40 \| 2 × ml\.inf2\.xlarge/m);
      expect(md).toContain('| sagemaker.hosting.ml.inf2.xlarge | 0.99 | instance-hour | 2026-11-22 | https://github.com/aws-samples/foundation-model-benchmarking-tool/');
      expect(md).toContain('Region us-east-1: factor 1');
    });

    it('rounds totals to cents, shows sub-cent lines as <$0.01 and escapes table cells', () => {
      const md = renderReport(TRICKY, 'md');
      expect(md).toContain('| trick | us-east-1 | $1,234.50 | $2,345.68 |');
      expect(md).toContain('| <$0.01 |');
      expect(md).toContain('says "hi", with a comma \\| and a pipe and a newline');
      expect(md).toContain('| a\\|b |');
    });
  });

  describe('json', () => {
    it('is the estimate, or the list of estimates, with full precision', () => {
      expect(JSON.parse(renderReport(dev, 'json'))).toEqual(JSON.parse(JSON.stringify(dev)));
      const both = JSON.parse(renderReport([dev, prod], 'json')) as CostEstimate[];
      expect(both.map((e) => e.stage)).toEqual(['dev', 'prod']);
      expect(both[1]!.idleUsd).toBe(prod.idleUsd);
    });
  });

  describe('html', () => {
    let dir: string;
    let html: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'gantry-cost-html-'));
      html = renderReport([dev, prod, TRICKY], 'html');
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('references nothing outside the page', () => {
      expect(html).not.toMatch(/\b(?:src|href|xlink:href|action|srcset)\s*=/i);
      expect(html).not.toMatch(/url\s*\(/i);
      expect(html).not.toMatch(/@import|@font-face/i);
      expect(html).not.toMatch(/<(?:script|link|img|iframe|object|embed)\b/i);
      expect(html).toMatch(/^<!DOCTYPE html>/);
    });

    it('draws one SVG chart per cost tag and stage, and escapes all text', () => {
      expect(html.match(/<svg class="tag-chart"/g)).toHaveLength(15);
      expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
      expect(html).not.toContain('<script>alert');
      expect(html).toContain('Key&lt;1&gt;');
    });

    it('renders in headless Chromium without errors, with its SVG charts', () => {
      expect(existsSync(CHROMIUM), `${CHROMIUM} is missing: install it (apt-get install chromium)`).toBe(true);
      const file = join(dir, 'report.html');
      writeFileSync(file, html);
      const result = spawnSync(
        CHROMIUM,
        [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          `--user-data-dir=${join(dir, 'profile')}`,
          '--enable-logging=stderr',
          '--v=0',
          '--dump-dom',
          `file://${file}`,
        ],
        { encoding: 'utf8', timeout: 90_000, maxBuffer: 64 * 1024 * 1024 },
      );
      expect(result.error).toBeUndefined();
      expect(result.status, result.stderr).toBe(0);
      // Page errors and console messages reach stderr as "Uncaught …" or ":CONSOLE(n)" lines.
      const pageErrors = result.stderr.split('\n').filter((l) => /Uncaught|:CONSOLE\(\d+\)|Refused to load|net::ERR_/.test(l));
      expect(pageErrors).toEqual([]);
      const dom = result.stdout;
      expect(dom.match(/<svg class="tag-chart"/g)).toHaveLength(15);
      expect(dom.match(/<rect class="expected"/g)?.length).toBeGreaterThanOrEqual(15);
      expect(dom).toContain('<h2>Stage prod</h2>');
    }, 120_000);
  });
});
