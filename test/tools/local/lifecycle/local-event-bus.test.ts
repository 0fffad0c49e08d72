import { describe, expect, it } from 'vitest';
import { LocalEventBus, matches } from '../../../../tools/local/lifecycle/local-event-bus';

// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
describe('LocalEventBus', () => {
  it('matches exact values, prefixes, nested fields and arrays as EventBridge does', () => {
    const pattern = { source: ['aws.s3'], detail: { bucket: { name: ['curated'] }, object: { key: [{ prefix: 'churn/' }] } } };
    expect(matches(pattern, { source: 'aws.s3', detail: { bucket: { name: 'curated' }, object: { key: 'churn/a.csv' } } })).toBe(true);
    expect(matches(pattern, { source: 'aws.s3', detail: { bucket: { name: 'curated' }, object: { key: 'fraud/a.csv' } } })).toBe(false);
    expect(matches(pattern, { source: 'aws.s3', detail: { bucket: { name: 'curated' } } })).toBe(false);
    expect(matches({ resources: ['arn:a', 'arn:b'] }, { resources: ['arn:x', 'arn:b'] })).toBe(true);
    expect(() => matches({ n: [{ wildcard: '*' }] }, { n: 1 })).toThrow(/does not model the pattern operator/);
  });

  it('builds a target input from an InputTransformer: JSON outside quotes, text inside them, and the whole event', async () => {
    const delivered: unknown[] = [];
    const bus = new LocalEventBus(
      [
        {
          id: 'Rule',
          pattern: { source: ['gantry.drift'] },
          targets: [{ Arn: 'arn:t', InputTransformer: { InputPathsMap: { w: '$.detail.window', f: '$.detail.features' }, InputTemplate: '{"window":<w>,"features":<f>,"text":"window <w>","event":<aws.events.event.json>}' } }],
        },
      ],
      async (_arn, input) => void delivered.push(input),
    );
    await bus.put({ source: 'gantry.drift', 'detail-type': 'DriftDetected', detail: { window: '2026-12-04T20-45Z', features: ['a', 'b'] } });
    expect(delivered).toEqual([{ window: '2026-12-04T20-45Z', features: ['a', 'b'], text: 'window 2026-12-04T20-45Z', event: expect.objectContaining({ source: 'gantry.drift', detail: { window: '2026-12-04T20-45Z', features: ['a', 'b'] } }) }]);
    expect(await bus.put({ source: 'other' })).toEqual([]);
  });
});
