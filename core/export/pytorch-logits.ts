// `--logits` for the PyTorch export: an output layer's final softmax or sigmoid is left out, so the module returns
// logits for a loss that applies it itself (nn.CrossEntropyLoss, nn.BCEWithLogitsLoss).

import type { Ctx } from './pytorch-emit';

const SQUASHES = new Set(['softmax', 'sigmoid']);

export interface Logits {
  /** The layer becomes its input unchanged (an activation layer). */
  readonly identity: boolean;
  /** The layer's context with a linear activation (a dense or convolution that applied the squash itself). */
  readonly ctx: Ctx;
  /** Said in the code, above the layer, and in the export's notes. */
  readonly note: string;
}

/** How an output layer returns logits, or undefined when it ends in no softmax or sigmoid. */
export function asLogits(ctx: Ctx): Logits | undefined {
  const node = ctx.info.node;
  const fn = node.kind === 'activation' ? (ctx.args.fn as string) : node.def?.activationFn;
  if (fn && SQUASHES.has(fn)) {
    return { identity: true, ctx, note: `logits: the final ${fn} layer '${node.name}' is left out; the model returns logits.` };
  }
  const act = ctx.args.activation;
  if (typeof act === 'string' && SQUASHES.has(act)) {
    const note = `logits: the ${act} activation of the final layer '${node.name}' is left out; the model returns logits.`;
    return { identity: false, ctx: { ...ctx, args: { ...ctx.args, activation: 'linear' } }, note };
  }
  return undefined;
}
