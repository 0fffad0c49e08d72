import { describe, expect, it } from 'vitest';
import { InvalidBaselineError } from '../../../../lambdas/core/baseline/parse';
import { checkDrift, driftMetrics, type DriftCheckInput, type DriftCheckPorts, type DriftResult, type MetricValue, type StoredDriftReport } from '../../../../lambdas/core/drift/check';
import { UnknownModelError, type ModelVersion } from '../../../../lambdas/core/registry/model';
import type { Baseline, DriftDetectedDetail } from '../../../../lib/contract';
import { BASELINE, captureLine, drifted, json, MALFORMED_LINES, steady } from '../../drift/fixtures';

const BASELINE_URI = 'mem://baselines/churn.json';
const ENDPOINT = 'gantry-test-churn';
// [10:00, 10:15), checked at 10:21: its records are under the 10 o'clock hour.
const CHECKED_AT = new Date('2026-11-22T10:21:00.000Z');
const HOUR_10 = `${ENDPOINT}/primary/2026/11/22/10/`;

/** In-memory ports, and what was done through them. */
function fakes(setup: { production?: number; unknownModel?: boolean; registryError?: Error; baselineUri?: string; baselines?: Record<string, Baseline>; capture?: Record<string, readonly (readonly string[])[]>; reports?: Record<string, string>; refuseEvents?: boolean }) {
  const done = {
    listed: [] as string[],
    stored: new Map<string, string>(Object.entries(setup.reports ?? {})),
    published: [] as { dimensions: Readonly<Record<string, string>>; values: readonly MetricValue[]; at: Date }[],
    events: [] as DriftDetectedDetail[],
    logs: [] as [level: string, message: string][],
    /** The same log lines with their fields, what an operator searches the logs by. */
    logged: [] as [level: string, message: string, fields: unknown][],
  };
  const ports: DriftCheckPorts = {
    registry: {
      pointers: async (model) => {
        if (setup.unknownModel) throw new UnknownModelError(model);
        if (setup.registryError) throw setup.registryError;
        return setup.production === undefined ? {} : { production: setup.production };
      },
      getVersion: async () => ({ baselineUri: setup.baselineUri }) as ModelVersion,
    },
    baselines: {
      read: async (uri) => {
        const baseline = (setup.baselines ?? { [BASELINE_URI]: BASELINE })[uri];
        if (baseline === undefined) throw new InvalidBaselineError(uri, 'no such object');
        return baseline;
      },
    },
    capture: {
      list: async (prefix) => {
        done.listed.push(prefix);
        return (setup.capture?.[prefix] ?? []).map((lines) => ({
          lines: async function* () {
            yield* lines;
          },
        }));
      },
    },
    reports: {
      uriOf: (model, id) => `mem://reports/${model}/${id}.json`,
      put: async (model, id, text) => void done.stored.set(`${model}/${id}`, text),
      get: async (model, id) => done.stored.get(`${model}/${id}`),
    },
    metrics: { publish: (dimensions, values, at) => void done.published.push({ dimensions, values, at }) },
    events: {
      driftDetected: async (detail) => {
        if (setup.refuseEvents) throw new Error('refused');
        done.events.push(detail);
      },
    },
    log: {
      info: (message, fields) => void (done.logs.push(['info', message]), done.logged.push(['info', message, fields])),
      warn: (message, fields) => void (done.logs.push(['warn', message]), done.logged.push(['warn', message, fields])),
    },
  };
  return { ports, done };
}

const input = (patch: Partial<DriftCheckInput> = {}): DriftCheckInput => ({
  model: 'churn',
  stage: 'test',
  endpointName: ENDPOINT,
  windowMinutes: 15,
  thresholds: { psi: 0.2, ks: 0.1 },
  consecutiveWindows: 2,
  checkedAt: CHECKED_AT,
  ...patch,
});

const drift = (n: number, at = '2026-11-22T10:05:00Z') => captureLine(at, json(drifted(n)));
const quiet = (n: number, at = '2026-11-22T10:05:00Z') => captureLine(at, json(steady(n)));
/** A stored report of an earlier window, as the check writes it. */
const earlier = (version: number, didDrift: boolean): string => JSON.stringify({ model: 'churn', drifted: didDrift, noData: false, version } satisfies Partial<StoredDriftReport>);

describe('checkDrift', () => {
  const checked = (patch: Partial<Extract<DriftResult, { status: 'checked' }>>): DriftResult => ({
    status: 'checked',
    windowId: '2026-11-22T10-00Z',
    version: 3,
    records: 0,
    drifted: false,
    driftDetectedEventSent: false,
    reportUri: 'mem://reports/churn/2026-11-22T10-00Z.json',
    ...patch,
  });

  it.each<[string, Parameters<typeof fakes>[0], Partial<DriftCheckInput>, DriftResult, number]>([
    ['a model the registry does not know', { unknownModel: true }, {}, { status: 'no-production' }, 0],
    ['a model with no production version', {}, {}, { status: 'no-production' }, 0],
    ['a production version without a baseline', { production: 3 }, {}, { status: 'no-baseline', version: 3 }, 0],
    ['an empty window', { production: 3, baselineUri: BASELINE_URI }, {}, checked({}), 0],
    ['steady traffic', { production: 3, baselineUri: BASELINE_URI, capture: { [HOUR_10]: [[quiet(10)]] } }, {}, checked({ records: 10 }), 0],
    ['one drifted window of two', { production: 3, baselineUri: BASELINE_URI, capture: { [HOUR_10]: [[drift(4)]] } }, {}, checked({ records: 4, drifted: true }), 0],
    ['one drifted window when one is enough', { production: 3, baselineUri: BASELINE_URI, capture: { [HOUR_10]: [[drift(4)]] } }, { consecutiveWindows: 1 }, checked({ records: 4, drifted: true, driftDetectedEventSent: true }), 1],
    [
      'the second drifted window in a row',
      { production: 3, baselineUri: BASELINE_URI, capture: { [HOUR_10]: [[drift(4)]] }, reports: { 'churn/2026-11-22T09-45Z': earlier(3, true) } },
      {},
      checked({ records: 4, drifted: true, driftDetectedEventSent: true }),
      1,
    ],
    [
      'a streak already announced',
      { production: 3, baselineUri: BASELINE_URI, capture: { [HOUR_10]: [[drift(4)]] }, reports: { 'churn/2026-11-22T09-45Z': earlier(3, true), 'churn/2026-11-22T09-30Z': earlier(3, true) } },
      {},
      checked({ records: 4, drifted: true }),
      0,
    ],
    [
      'a streak of another production version',
      { production: 3, baselineUri: BASELINE_URI, capture: { [HOUR_10]: [[drift(4)]] }, reports: { 'churn/2026-11-22T09-45Z': earlier(2, true) } },
      {},
      checked({ records: 4, drifted: true }),
      0,
    ],
    [
      'an unreadable earlier report',
      { production: 3, baselineUri: BASELINE_URI, capture: { [HOUR_10]: [[drift(4)]] }, reports: { 'churn/2026-11-22T09-45Z': '{"model":' } },
      {},
      checked({ records: 4, drifted: true }),
      0,
    ],
    [
      'records outside the window, in two files',
      { production: 3, baselineUri: BASELINE_URI, capture: { [HOUR_10]: [[quiet(2, '2026-11-22T09:59:59Z'), drift(3)], [quiet(5, '2026-11-22T10:15:00Z')]] } },
      { consecutiveWindows: 1 },
      checked({ records: 3, drifted: true, driftDetectedEventSent: true }),
      1,
    ],
    [
      'the window the input names',
      { production: 3, baselineUri: BASELINE_URI, capture: { [`${ENDPOINT}/primary/2026/11/20/08/`]: [[drift(2, '2026-11-20T08:05:00Z')]] } },
      { window: { from: new Date('2026-11-20T08:00:00Z'), to: new Date('2026-11-20T08:20:00Z') }, consecutiveWindows: 1 },
      checked({ windowId: '2026-11-20T08-00Z', records: 2, drifted: true, driftDetectedEventSent: true, reportUri: 'mem://reports/churn/2026-11-20T08-00Z.json' }),
      1,
    ],
  ])('%s', async (_, setup, patch, result, events) => {
    const { ports, done } = fakes(setup);
    expect(await checkDrift(input(patch), ports)).toEqual(result);
    expect(done.events).toHaveLength(events);
    if (result.status !== 'checked') {
      expect({ stored: [...done.stored.keys()].filter((k) => setup.reports?.[k] === undefined), published: done.published, listed: done.listed }).toEqual({ stored: [], published: [], listed: [] });
      return;
    }
    const stored = JSON.parse(done.stored.get(`churn/${result.windowId}`)!) as StoredDriftReport;
    expect(stored).toMatchObject({ model: 'churn', version: 3, baselineUri: BASELINE_URI, records: result.records, drifted: result.drifted });
    expect(done.published.every((p) => p.at === CHECKED_AT)).toBe(true);
  });

  it('lists the hours the window spans and the late-flush hour, before reading any file', async () => {
    const { ports, done } = fakes({ production: 3, baselineUri: BASELINE_URI });
    await checkDrift(input({ windowMinutes: 30, checkedAt: new Date('2026-11-22T11:20:00Z') }), ports);
    expect(done.listed).toEqual([`${ENDPOINT}/primary/2026/11/22/10/`, `${ENDPOINT}/primary/2026/11/22/11/`]);
  });

  it('sends the DriftDetected detail the rules and notifications read', async () => {
    const { ports, done } = fakes({ production: 3, baselineUri: BASELINE_URI, capture: { [HOUR_10]: [[drift(4)]] } });
    await checkDrift(input({ consecutiveWindows: 1 }), ports);
    const report = JSON.parse(done.stored.get('churn/2026-11-22T10-00Z')!) as StoredDriftReport;
    expect(done.events).toEqual([
      {
        model: 'churn',
        stage: 'test',
        version: 3,
        window: { from: '2026-11-22T10:00:00.000Z', to: '2026-11-22T10:15:00.000Z' },
        maxPsi: report.maxPsi,
        maxKs: report.maxKs,
        features: ['tenure', 'plan', 'prediction'],
        reportUri: 'mem://reports/churn/2026-11-22T10-00Z.json',
      },
    ]);
  });

  it('stores the report and publishes the metrics before a refused event fails the check', async () => {
    const { ports, done } = fakes({ production: 3, baselineUri: BASELINE_URI, capture: { [HOUR_10]: [[drift(4)]] }, refuseEvents: true });
    await expect(checkDrift(input({ consecutiveWindows: 1 }), ports)).rejects.toThrow('refused');
    expect([...done.stored.keys()]).toEqual(['churn/2026-11-22T10-00Z']);
    expect(done.published.length).toBeGreaterThan(0);
  });

  it('throws the baseline source\'s InvalidBaselineError before listing or storing anything', async () => {
    const { ports, done } = fakes({ production: 3, baselineUri: 'mem://missing.json' });
    await expect(checkDrift(input(), ports)).rejects.toMatchObject({ name: 'InvalidBaselineError', uri: 'mem://missing.json' });
    expect({ listed: done.listed, stored: done.stored.size }).toEqual({ listed: [], stored: 0 });
  });

  it('refuses, naming the URI, a baseline the accumulator cannot compare with, before listing', async () => {
    const broken: Baseline = { ...BASELINE, features: [{ ...BASELINE.features[0]!, kind: 'numeric', binEdges: [1, 2], proportions: [1] } as Baseline['features'][number]] };
    const { ports, done } = fakes({ production: 3, baselineUri: BASELINE_URI, baselines: { [BASELINE_URI]: broken } });
    await expect(checkDrift(input(), ports)).rejects.toMatchObject({ name: 'InvalidBaselineError', uri: BASELINE_URI });
    expect(done.listed).toEqual([]);
  });

  it('logs the malformed lines it skipped, and an unreadable earlier report', async () => {
    const { ports, done } = fakes({ production: 3, baselineUri: BASELINE_URI, capture: { [HOUR_10]: [[drift(4), MALFORMED_LINES['not-json']]] }, reports: { 'churn/2026-11-22T09-45Z': 'not json' } });
    await checkDrift(input(), ports);
    expect(done.logs).toEqual([
      ['warn', 'unreadable earlier drift report: counted as not drifted'],
      ['warn', 'skipped malformed capture lines'],
      ['info', 'checked drift'],
    ]);
  });
});

describe('checkDrift logs what it did, with the fields an operator searches by', () => {
  const window = { model: 'churn', stage: 'test', windowId: '2026-11-22T10-00Z' };
  const reportUri = 'mem://reports/churn/2026-11-22T10-00Z.json';
  /** The info line of a checked window: its maxPsi and maxKs are the stored report's own. */
  const checkedLine = (stored: StoredDriftReport, fields: { objects: number; records: number; noData: boolean; drifted: boolean; driftDetectedEventSent: boolean }) =>
    ['info', 'checked drift', { ...window, version: 3, ...fields, maxPsi: stored.maxPsi, maxKs: stored.maxKs, reportUri }];

  it.each<[string, Parameters<typeof fakes>[0], (stored: StoredDriftReport) => unknown[]]>([
    ['no production version', { unknownModel: true }, () => [['info', 'no production version: nothing to compare', window]]],
    ['no baseline', { production: 3 }, () => [['warn', 'the production version has no baseline: nothing to compare', { ...window, version: 3 }]]],
    // No malformed line: no warning, only the summary.
    ['steady traffic in two files', { production: 3, baselineUri: BASELINE_URI, capture: { [HOUR_10]: [[quiet(10)], [quiet(10)]] } }, (stored) => [checkedLine(stored, { objects: 2, records: 20, noData: false, drifted: false, driftDetectedEventSent: false })]],
    ['an empty window', { production: 3, baselineUri: BASELINE_URI }, (stored) => [checkedLine(stored, { objects: 0, records: 0, noData: true, drifted: false, driftDetectedEventSent: false })]],
    [
      'a malformed line and an unreadable earlier report',
      { production: 3, baselineUri: BASELINE_URI, capture: { [HOUR_10]: [[drift(4), MALFORMED_LINES['not-json']]] }, reports: { 'churn/2026-11-22T09-45Z': 'not json' } },
      (stored) => [
        ['warn', 'unreadable earlier drift report: counted as not drifted', { model: 'churn', reportUri: 'mem://reports/churn/2026-11-22T09-45Z.json' }],
        ['warn', 'skipped malformed capture lines', { ...window, malformed: { 'not-json': 1 } }],
        checkedLine(stored, { objects: 1, records: 4, noData: false, drifted: true, driftDetectedEventSent: false }),
      ],
    ],
  ])('%s', async (_, setup, expected) => {
    const { ports, done } = fakes(setup);
    await checkDrift(input(), ports);
    const stored = JSON.parse(done.stored.get('churn/2026-11-22T10-00Z') ?? '{}') as StoredDriftReport;
    expect(done.logged).toEqual(expected(stored));
  });
});

describe('checkDrift, the registry and the event', () => {
  it('passes on a registry failure other than an unknown model, instead of reporting no production version', async () => {
    const { ports, done } = fakes({ registryError: new Error('throttled'), production: 3, baselineUri: BASELINE_URI });
    await expect(checkDrift(input(), ports)).rejects.toThrow('throttled');
    expect({ logged: done.logged, listed: done.listed }).toEqual({ logged: [], listed: [] });
  });

  it('names only the features that drifted in the DriftDetected event', async () => {
    // tenure and the score in their top bins, the plans half basic half pro as in the baseline.
    const records = Array.from({ length: 4 }, (_, i) => ({ tenure: 95, plan: i % 2 === 0 ? 'basic' : 'pro', score: 0.95 }));
    const { ports, done } = fakes({ production: 3, baselineUri: BASELINE_URI, capture: { [HOUR_10]: [[captureLine('2026-11-22T10:05:00Z', json(records))]] } });
    await checkDrift(input({ consecutiveWindows: 1 }), ports);
    expect(done.events.map((event) => event.features)).toEqual([['tenure', 'prediction']]);
  });
});

describe('driftMetrics', () => {
  const report = { model: 'churn', records: 7, malformed: { 'not-json': 2, 'bad-base64': 1 }, maxPsi: 0.4, maxKs: 0.3, noData: false, drifted: true, thresholds: { psi: 0.2, ks: 0.1 } };
  const features = [
    { name: 'tenure', kind: 'numeric', count: 7, missing: 0, psi: 0.4, ks: 0.3, drifted: true },
    { name: 'plan', kind: 'categorical', count: 7, missing: 0, psi: 0.1, ks: 0, drifted: false },
  ] as const;

  it.each([
    [
      'an empty window: its record counts only',
      { ...report, records: 0, malformed: {}, noData: true, drifted: false, features: [] },
      [{ dimensions: { Stage: 'test', Model: 'churn' }, values: [{ name: 'DriftRecords', unit: 'Count', value: 0 }, { name: 'DriftMalformedRecords', unit: 'Count', value: 0 }] }],
    ],
    [
      'a window without a prediction: the features\' only',
      { ...report, features },
      [
        {
          dimensions: { Stage: 'test', Model: 'churn' },
          values: [
            { name: 'DriftMaxPSI', unit: 'None', value: 0.4 },
            { name: 'DriftMaxKS', unit: 'None', value: 0.3 },
            { name: 'DriftDetected', unit: 'Count', value: 1 },
            { name: 'DriftRecords', unit: 'Count', value: 7 },
            { name: 'DriftMalformedRecords', unit: 'Count', value: 3 },
          ],
        },
        { dimensions: { Stage: 'test', Model: 'churn', Feature: 'tenure' }, values: [{ name: 'FeaturePSI', unit: 'None', value: 0.4 }, { name: 'FeatureKS', unit: 'None', value: 0.3 }] },
        { dimensions: { Stage: 'test', Model: 'churn', Feature: 'plan' }, values: [{ name: 'FeaturePSI', unit: 'None', value: 0.1 }] },
      ],
    ],
    [
      'a window with features and a prediction: KS for numeric ones only',
      { ...report, features, prediction: { name: 'prediction', kind: 'numeric', count: 7, missing: 0, psi: 0.2, ks: 0.2, drifted: true } as const },
      [
        {
          dimensions: { Stage: 'test', Model: 'churn' },
          values: [
            { name: 'DriftMaxPSI', unit: 'None', value: 0.4 },
            { name: 'DriftMaxKS', unit: 'None', value: 0.3 },
            { name: 'DriftDetected', unit: 'Count', value: 1 },
            { name: 'DriftRecords', unit: 'Count', value: 7 },
            { name: 'DriftMalformedRecords', unit: 'Count', value: 3 },
          ],
        },
        { dimensions: { Stage: 'test', Model: 'churn', Feature: 'tenure' }, values: [{ name: 'FeaturePSI', unit: 'None', value: 0.4 }, { name: 'FeatureKS', unit: 'None', value: 0.3 }] },
        { dimensions: { Stage: 'test', Model: 'churn', Feature: 'plan' }, values: [{ name: 'FeaturePSI', unit: 'None', value: 0.1 }] },
        { dimensions: { Stage: 'test', Model: 'churn', Feature: 'prediction' }, values: [{ name: 'FeaturePSI', unit: 'None', value: 0.2 }, { name: 'FeatureKS', unit: 'None', value: 0.2 }] },
      ],
    ],
  ])('%s', (_, windowReport, expected) => {
    expect(driftMetrics('test', windowReport)).toEqual(expected);
  });
});
