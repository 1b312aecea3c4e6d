/**
 * The built-in example: the three-layer MLP of the TensorFlow article this tool grew from
 * (Dense 784→128, 128→64, 64→10), written as layers. The kernels use the given initializer (the
 * CLI passes its initializer flags, normal(0, 0.05) by default, as the article does) rather than
 * Keras's glorot_uniform; the biases keep the layout's default (zeros under the keras layout).
 * Under the keras layout the tensors are dense/kernel, dense/bias, dense_1/kernel, ... (the names
 * Keras 3 gives the article's model) with kernels (inputs, units).
 */
export function builtinSpec(kernelInitializer: Record<string, unknown>): Record<string, unknown> {
  return {
    version: 1,
    description: 'Built-in example: MLP 784-128-64-10 (three dense layers)',
    layers: [
      { type: 'dense', input_dim: 784, units: 128, kernel_initializer: kernelInitializer },
      { type: 'dense', units: 64, kernel_initializer: kernelInitializer },
      { type: 'dense', units: 10, kernel_initializer: kernelInitializer },
    ],
  };
}
