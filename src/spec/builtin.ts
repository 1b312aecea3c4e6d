/**
 * The built-in example: the three-layer MLP of the TensorFlow article this tool grew from
 * (Dense 784→128, 128→64, 64→10), kernels from the given initializer, biases zero.
 * Kernels use Keras's layout, (inputs, units).
 */
export function builtinSpec(kernelInitializer: Record<string, unknown>): Record<string, unknown> {
  const layers: [string, number, number][] = [
    ['dense_1', 784, 128],
    ['dense_2', 128, 64],
    ['dense_3', 64, 10],
  ];
  return {
    version: 1,
    description: 'Built-in example: MLP 784-128-64-10 (Dense kernels and zero biases)',
    tensors: layers.flatMap(([name, inputs, units]) => [
      { name: `${name}/kernel`, shape: [inputs, units], initializer: kernelInitializer },
      { name: `${name}/bias`, shape: [units], initializer: 'zeros' },
    ]),
  };
}
