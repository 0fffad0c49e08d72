import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { PublishedNames } from '../../../../lib/constructs/published-names/published-names';

describe('PublishedNames', () => {
  it('publishes each value as an SSM parameter under /gantry/<stage>/ and as an output', () => {
    const stack = new Stack(new App(), 'Test');
    new PublishedNames(stack, 'Names', { stageName: 'qa', values: { 'tables/registry': 'reg-table', 'buckets/raw': 'raw-bucket' } });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::SSM::Parameter', { Name: '/gantry/qa/tables/registry', Value: 'reg-table', Type: 'String' });
    template.hasResourceProperties('AWS::SSM::Parameter', { Name: '/gantry/qa/buckets/raw', Value: 'raw-bucket' });
    const outputs = template.findOutputs('*');
    expect(Object.values(outputs).map((o) => [o.Description, o.Value])).toEqual(
      expect.arrayContaining([
        ['/gantry/qa/tables/registry', 'reg-table'],
        ['/gantry/qa/buckets/raw', 'raw-bucket'],
      ]),
    );
  });

  it('throws when a key is not a lower-case path', () => {
    const stack = new Stack(new App(), 'Test');
    expect(() => new PublishedNames(stack, 'Names', { stageName: 'qa', values: { 'Tables/Registry': 'x' } })).toThrow(/PublishedNames key must be lower-case path segments.*got "Tables\/Registry"/);
  });
});
