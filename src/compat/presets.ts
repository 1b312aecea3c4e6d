/** Keras's (and tfjs-layers') variance-scaling presets: [scale, mode, distribution] in our words. */
export const VARIANCE_PRESETS: Readonly<Record<string, readonly [number, string, string]>> = {
  glorot_normal: [1, 'fan_avg', 'truncated_normal'],
  glorot_uniform: [1, 'fan_avg', 'uniform'],
  he_normal: [2, 'fan_in', 'truncated_normal'],
  he_uniform: [2, 'fan_in', 'uniform'],
  lecun_normal: [1, 'fan_in', 'truncated_normal'],
  lecun_uniform: [1, 'fan_in', 'uniform'],
};

/** The variance-scaling initializers a Keras-like mode draws: the general one and the presets. */
export const VARIANCE_SCALED = ['variance_scaling', ...Object.keys(VARIANCE_PRESETS)];
