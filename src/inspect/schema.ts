/**
 * JSON Schema (draft 2020-12) of the inspect report as JSON, schemaVersion 1. docs/inspect.md shows it
 * verbatim and a test checks real reports against it, so the two cannot drift apart.
 */
const num = { type: 'number' };
const numOrNull = { type: ['number', 'null'] };
const count = { type: 'integer', minimum: 0 };

const fit = {
  type: 'object',
  additionalProperties: false,
  required: ['d', 'pValue', 'resolution'],
  properties: {
    d: { ...num, description: 'KS distance of the data (binned at the quantile resolution) to the model' },
    pValue: { ...num, description: 'asymptotic KS p-value of d for this many values' },
    resolution: { ...num, description: 'the unbinned distance is in [d, d + resolution]' },
  },
};

export const REPORT_JSON_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'init-weights inspect report',
  type: 'object',
  additionalProperties: false,
  required: ['schemaVersion', 'input', 'format', 'provenance', 'tensors', 'skipped'],
  properties: {
    schemaVersion: { const: 1 },
    input: { type: 'string', description: 'the path given, or "stdin"' },
    format: { enum: ['npy', 'npz', 'tar', 'directory', 'safetensors', 'arrow-file', 'arrow-stream'] },
    provenance: {
      type: ['object', 'null'],
      description: 'init-weights provenance found in the input (manifest.json or format metadata), else null',
      additionalProperties: false,
      required: ['tool', 'toolVersion', 'streamVersion', 'seed'],
      properties: { tool: { type: 'string' }, toolVersion: { type: ['string', 'null'] }, streamVersion: { type: ['integer', 'null'] }, seed: { type: ['integer', 'string', 'null'] } },
    },
    tensors: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'dtype', 'shape', 'count', 'bytes', 'nan', 'posInf', 'negInf', 'finite', 'min', 'max', 'mean', 'std', 'skewness', 'excessKurtosis', 'quantiles', 'quantileRelativeError', 'histogram', 'fit'],
        properties: {
          name: { type: 'string' },
          dtype: { enum: ['float16', 'bfloat16', 'float32', 'float64', 'int64', 'int32', 'uint8', 'bool'] },
          shape: { type: 'array', items: count },
          count,
          bytes: count,
          nan: count,
          posInf: count,
          negInf: count,
          finite: { ...count, description: 'values the statistics below are over (count - nan - posInf - negInf)' },
          min: numOrNull,
          max: numOrNull,
          mean: numOrNull,
          std: { ...numOrNull, description: 'population standard deviation (numpy std, ddof=0)' },
          skewness: { ...numOrNull, description: 'g1, biased (scipy default); null when all values are equal' },
          excessKurtosis: { ...numOrNull, description: 'g2 = m4/m2^2 - 3, biased (scipy default)' },
          quantiles: {
            type: 'array',
            description: 'at p = 0.001, 0.01, 0.25, 0.5, 0.75, 0.99, 0.999; numpy linear interpolation',
            items: { type: 'object', additionalProperties: false, required: ['p', 'value'], properties: { p: num, value: numOrNull } },
          },
          quantileRelativeError: { ...num, description: 'each quantile is within this relative distance of the exact one (0: exact)' },
          histogram: {
            type: ['object', 'null'],
            description: 'equal bins on [lo, hi] (the last bin includes hi); null without finite values',
            additionalProperties: false,
            required: ['lo', 'hi', 'counts', 'underflow', 'overflow'],
            properties: { lo: num, hi: num, counts: { type: 'array', items: count }, underflow: count, overflow: count },
          },
          fit: {
            type: 'object',
            additionalProperties: false,
            required: ['normal', 'declared'],
            properties: {
              normal: {
                type: ['object', 'null'],
                description: 'KS against a normal with the tensor\'s own mean and std; null when std is 0 or undefined',
                additionalProperties: false,
                required: ['mean', 'std', 'd', 'pValue', 'resolution'],
                properties: { mean: num, std: num, ...fit.properties },
              },
              declared: {
                type: ['object', 'null'],
                description: 'against the initializer the provenance declares for this tensor; null without provenance',
                additionalProperties: false,
                required: ['initializer', 'description', 'matches', 'd', 'pValue', 'resolution'],
                properties: {
                  initializer: {
                    type: 'object',
                    additionalProperties: false,
                    required: ['type', 'params'],
                    properties: { type: { type: 'string' }, params: { type: 'object', additionalProperties: { type: ['number', 'string'] } } },
                  },
                  description: { type: 'string' },
                  matches: { type: ['boolean', 'null'], description: 'p >= 0.001 (constants: every value equal); null: no check for this initializer' },
                  d: numOrNull,
                  pValue: numOrNull,
                  resolution: numOrNull,
                },
              },
            },
          },
        },
      },
    },
    skipped: {
      type: 'array',
      description: 'tensors of other element types (integer buffers), not summarised',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'dtype', 'shape', 'reason'],
        properties: { name: { type: 'string' }, dtype: { type: 'string' }, shape: { type: 'array', items: count }, reason: { type: 'string' } },
      },
    },
  },
} as const;
