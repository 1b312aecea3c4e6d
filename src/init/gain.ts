/** torch.nn.init.calculate_gain's nonlinearities. */
export const NONLINEARITIES = [
  'linear', 'conv1d', 'conv2d', 'conv3d', 'conv_transpose1d', 'conv_transpose2d', 'conv_transpose3d',
  'sigmoid', 'tanh', 'relu', 'leaky_relu', 'selu',
] as const;

export type Nonlinearity = (typeof NONLINEARITIES)[number];

/**
 * The recommended gain for a nonlinearity, with torch's own arithmetic (torch/nn/init.py,
 * calculate_gain): linear, conv and sigmoid 1; tanh 5/3; relu sqrt(2); selu 3/4; leaky_relu
 * sqrt(2 / (1 + slope^2)) where `slope` is kaiming's `a`.
 */
export function calculateGain(nonlinearity: string, slope: number): number {
  switch (nonlinearity) {
    case 'tanh':
      return 5.0 / 3;
    case 'relu':
      return Math.sqrt(2.0);
    case 'leaky_relu':
      return Math.sqrt(2.0 / (1 + slope * slope));
    case 'selu':
      return 3.0 / 4;
    default:
      return 1;
  }
}
