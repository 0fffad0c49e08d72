import { describe, expect, it } from 'vitest';
import { findInstanceSpec, hasInstanceStorage, knownInstanceTypes } from '../../../lib/config/instance-types';

describe('instance types', () => {
  it('know the defaults and what they are', () => {
    expect(findInstanceSpec('ml.g5.2xlarge')).toEqual({ name: 'ml.g5.2xlarge', accelerator: 'nvidia-gpu', vcpus: 8, memoryGiB: 32, acceleratorCount: 1, uses: ['training', 'processing', 'inference'] });
    expect(findInstanceSpec('ml.inf2.xlarge')?.accelerator).toBe('inferentia');
    expect(findInstanceSpec('ml.m5.xlarge')?.accelerator).toBe('cpu');
    expect(findInstanceSpec('ml.g9.huge')).toBeUndefined();
  });

  it('list each use\'s types sorted, without the types that cannot be used that way', () => {
    const training = knownInstanceTypes('training');
    expect(training).toEqual([...training].sort());
    expect(training).toContain('ml.g5.2xlarge');
    expect(training).toContain('ml.trn1.2xlarge');
    // Inferentia serves; it cannot train. Trainium trains; it cannot serve.
    expect(training).not.toContain('ml.inf2.xlarge');
    expect(knownInstanceTypes('inference')).toContain('ml.inf2.xlarge');
    expect(knownInstanceTypes('inference')).not.toContain('ml.trn1.2xlarge');
    expect(knownInstanceTypes('processing')).toContain('ml.m5.xlarge');
    expect(knownInstanceTypes('processing')).not.toContain('ml.p4d.24xlarge');
  });

  it.each([
    ['ml.g5.2xlarge', true],
    ['ml.p4d.24xlarge', true],
    ['ml.trn1.2xlarge', true],
    ['ml.m5.xlarge', false],
    ['ml.inf2.xlarge', false],
    ['ml.c5.2xlarge', false],
  ])('hasInstanceStorage(%s) is %s: SageMaker refuses a volume KMS key on NVMe instance storage', (type, expected) => {
    expect(hasInstanceStorage(type)).toBe(expected);
  });
});
