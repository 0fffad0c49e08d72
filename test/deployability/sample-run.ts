/*
 * Realistic values for what a workflow only knows at run time (its run id, execution name,
 * the version being deployed), and an evaluator of Step Functions JSONPath Parameters against
 * them: `"TrainingJobName.$": "States.Format('churn-train-{}', $.run.id)"` becomes
 * `churn-train-1a2b3c4d`. Resource names are never wildcards, so a policy that only allows
 * `churn-*` is tested against a name SageMaker would really get.
 */

/** One run's values. Step Functions' own formats: 8 hex digits of a UUID, UUID execution names. */
export const SAMPLE = {
  /** `States.ArrayGetItem(States.StringSplit(States.UUID(), '-'), 0)`: the first group of SAMPLE.uuid. */
  runId: '1a2b3c4d',
  uuid: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
  /** Executions started by EventBridge and Scheduler are named with a UUID. */
  executionName: '3f6c2a1e-9b8d-4c7e-a1f0-5d4c3b2a1908',
  /** The version a deployment deploys, and the one it replaces. */
  version: 3,
  previousVersion: 2,
  /** The hour the samples are taken in (capture prefixes, log streams). */
  now: new Date('2026-01-15T10:20:00Z'),
} as const;

export type Sample = typeof SAMPLE;

class ExpressionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExpressionError';
  }
}

type Token = { kind: 'name' | 'string' | 'number' | 'path'; text: string } | { kind: 'punct'; text: '(' | ')' | ',' };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(' || c === ')' || c === ',') {
      tokens.push({ kind: 'punct', text: c });
      i++;
    } else if (c === "'") {
      let text = '';
      i++;
      while (i < source.length && source[i] !== "'") {
        // A backslash escapes the next character: \' \\ \{ \}; braces stay escaped for Format.
        if (source[i] === '\\' && i + 1 < source.length) {
          const next = source[i + 1]!;
          text += next === '{' || next === '}' ? `\\${next}` : next;
          i += 2;
        } else {
          text += source[i++];
        }
      }
      if (source[i] !== "'") throw new ExpressionError(`unterminated string in ${source}`);
      i++;
      tokens.push({ kind: 'string', text });
    } else if (c === '$') {
      const match = /^\$\$?[\w.[\]]*/.exec(source.slice(i))!;
      tokens.push({ kind: 'path', text: match[0] });
      i += match[0].length;
    } else if (/[-\d]/.test(c)) {
      const match = /^-?\d+(\.\d+)?/.exec(source.slice(i));
      if (!match) throw new ExpressionError(`unexpected ${c} in ${source}`);
      tokens.push({ kind: 'number', text: match[0] });
      i += match[0].length;
    } else {
      const match = /^[A-Za-z][\w.]*/.exec(source.slice(i));
      if (!match) throw new ExpressionError(`unexpected ${c} in ${source}`);
      tokens.push({ kind: 'name', text: match[0] });
      i += match[0].length;
    }
  }
  return tokens;
}

/** A JSONPath reference (`$.a.b`, `$$.Execution.Id`) in `state` or the context object. */
function lookup(path: string, state: unknown, context: unknown): unknown {
  const [root, rest] = path.startsWith('$$') ? [context, path.slice(2)] : [state, path.slice(1)];
  let value: unknown = root;
  for (const part of rest.split(/\.|\[(\d+)\]/).filter((p) => p !== undefined && p !== '')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

function format(template: string, args: unknown[]): string | undefined {
  let n = 0;
  let missing = false;
  const text = template.replace(/\\([{}])|\{\}/g, (_match, escaped: string | undefined) => {
    if (escaped) return escaped;
    const arg = args[n++];
    if (arg === undefined) missing = true;
    return typeof arg === 'string' ? arg : JSON.stringify(arg);
  });
  return missing ? undefined : text;
}

const INTRINSICS: Readonly<Record<string, (args: unknown[], sample: Sample) => unknown>> = {
  'States.Format': ([template, ...args]) => (typeof template === 'string' ? format(template, args) : undefined),
  'States.UUID': (_args, sample) => sample.uuid,
  'States.StringSplit': ([text, separator]) => (typeof text === 'string' && typeof separator === 'string' ? text.split(separator) : undefined),
  'States.ArrayGetItem': ([array, index]) => (Array.isArray(array) && typeof index === 'number' ? array[index] : undefined),
  'States.JsonMerge': ([a, b]) => (a && b && typeof a === 'object' && typeof b === 'object' ? { ...a, ...b } : undefined),
  'States.MathAdd': ([a, b]) => (typeof a === 'number' && typeof b === 'number' ? a + b : undefined),
  'States.JsonToString': ([value]) => (value === undefined ? undefined : JSON.stringify(value)),
  'States.Array': (args) => args,
};

/** One `.$` value: a path or an intrinsic function call. Undefined where a path has no sample value. */
export function evaluateExpression(source: string, state: unknown, context: unknown, sample: Sample = SAMPLE): unknown {
  const tokens = tokenize(source);
  let at = 0;
  const parse = (): unknown => {
    const token = tokens[at++];
    if (!token) throw new ExpressionError(`unexpected end of ${source}`);
    switch (token.kind) {
      case 'string':
        return token.text;
      case 'number':
        return Number(token.text);
      case 'path':
        return lookup(token.text, state, context);
      case 'name': {
        const fn = INTRINSICS[token.text];
        if (!fn) throw new ExpressionError(`${token.text} in ${source} is not an intrinsic the sample evaluator knows`);
        if (tokens[at++]?.text !== '(') throw new ExpressionError(`expected ( after ${token.text} in ${source}`);
        const args: unknown[] = [];
        while (tokens[at]?.text !== ')') {
          args.push(parse());
          if (tokens[at]?.text === ',') at++;
          else if (tokens[at]?.text !== ')') throw new ExpressionError(`expected , or ) in ${source}`);
        }
        at++;
        return args.some((arg) => arg === undefined) ? undefined : fn(args, sample);
      }
      default:
        throw new ExpressionError(`unexpected ${token.text} in ${source}`);
    }
  };
  const value = parse();
  if (at !== tokens.length) throw new ExpressionError(`trailing input in ${source}`);
  return value;
}

/** A state's `Parameters` (or a payload template) evaluated: keys ending in `.$` lose the suffix and take the value. */
export function evaluateParameters(parameters: unknown, state: unknown, context: unknown, sample: Sample = SAMPLE): unknown {
  if (Array.isArray(parameters)) return parameters.map((item) => evaluateParameters(item, state, context, sample));
  if (parameters === null || typeof parameters !== 'object') return parameters;
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(parameters)) {
    if (key.endsWith('.$') && typeof value === 'string') result[key.slice(0, -2)] = evaluateExpression(value, state, context, sample);
    else result[key] = evaluateParameters(value, state, context, sample);
  }
  return result;
}
