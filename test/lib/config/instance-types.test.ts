import { describe, expect, it } from 'vitest';
import { InferenceInstance, knownInstanceTypes, ProcessingInstance, TrainingInstance, UnknownInstanceTypeError } from '../../../lib/config/instance-types';

describe('instance types', () => {
  it('know the defaults and what they are', () => {
    expect(TrainingInstance.ML_G5_2XLARGE.name).toBe('ml.g5.2xlarge');
    expect(TrainingInstance.ML_G5_2XLARGE.isGpu).toBe(true);
    expect(TrainingInstance.ML_M5_XLARGE.isGpu).toBe(false);
    expect(InferenceInstance.ML_INF2_XLARGE.spec.accelerator).toBe('inferentia');
    expect(String(ProcessingInstance.ML_M5_XLARGE)).toBe('ml.m5.xlarge');
  });

  it('throws when the type is unknown, listing the known ones', () => {
    expect(() => TrainingInstance.of('ml.g9.huge')).toThrow(UnknownInstanceTypeError);
    expect(() => TrainingInstance.of('ml.g9.huge')).toThrow(/unknown training instance type "ml.g9.huge"; known: .*ml\.g5\.2xlarge/);
  });

  it('throws when the type exists but cannot be used that way', () => {
    // Inferentia serves; it cannot train.
    expect(() => TrainingInstance.of('ml.inf2.xlarge')).toThrow(/unknown training instance type "ml.inf2.xlarge"/);
    expect(() => InferenceInstance.of('ml.trn1.2xlarge')).toThrow(/unknown inference instance type/);
    expect(knownInstanceTypes('inference')).toContain('ml.inf2.xlarge');
    expect(knownInstanceTypes('training')).not.toContain('ml.inf2.xlarge');
  });
});
