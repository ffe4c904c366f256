/**
 * What the MNIST examples share: the models, a training epoch with a progress bar, and
 * accuracy on a held-out set.
 */
import { crossEntropy, data, fromArray, nn, noGrad, optim, type Tensor, tidy } from '@tessera/core';
import cliProgress from 'cli-progress';
import { type Digits, IMAGE_SIZE } from './mnist-data.js';

/**
 * conv-relu-pool x2 (the backbone, `features`), then a two-layer classifier head. They are
 * separate modules, so transfer learning can freeze the backbone and replace the head.
 */
export class DigitCnn extends nn.Module<[Tensor], Tensor> {
  features = new nn.Sequential(
    new nn.Conv2d(1, 8, 3, { padding: 1 }), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Conv2d(8, 16, 3, { padding: 1 }), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Flatten(),
  );
  head: nn.Sequential;

  constructor(classes = 10) {
    super();
    this.head = DigitCnn.makeHead(classes);
  }

  static makeHead(classes: number): nn.Sequential {
    return new nn.Sequential(new nn.Linear(16 * 7 * 7, 64), new nn.ReLU(), new nn.Linear(64, classes));
  }

  override forward(x: Tensor): Tensor {
    return this.head.call(this.features.call(x));
  }
}

export function makeMlp(hidden = 128): nn.Sequential {
  return new nn.Sequential(new nn.Flatten(), new nn.Linear(IMAGE_SIZE, hidden), new nn.ReLU(), new nn.Linear(hidden, 10));
}

/** MNIST's pixel mean and standard deviation, the usual standardisation constants. */
const PIXEL_MEAN = 0.1307;
const PIXEL_STD = 0.3081;

/** Standardised images as [N, 1, 28, 28] and labels as int32 [N], shifted by `labelOffset`. */
export function toTensors(d: Digits, labelOffset = 0): [Tensor, Tensor] {
  const labels = labelOffset ? d.labels.map((l) => l - labelOffset) : d.labels;
  const pixels = d.images.map((p) => (p - PIXEL_MEAN) / PIXEL_STD);
  return [fromArray(pixels, [d.count, 1, 28, 28]).keep(), fromArray(new Int32Array(labels), [d.count]).keep()];
}

export interface EpochOptions {
  batchSize?: number;
  /** Stepped after every batch (e.g. OneCycleLR). */
  scheduler?: { step(): void } | null;
  seed?: number;
  quiet?: boolean;
  label?: string;
}

/** One epoch of minibatch training; returns the mean loss. */
export function trainEpoch(
  model: nn.Module<[Tensor], Tensor>,
  optimizer: optim.Optimizer,
  images: Tensor,
  labels: Tensor,
  { batchSize = 64, scheduler = null, seed = 0, quiet = false, label = 'train' }: EpochOptions = {},
): number {
  model.train();
  const loader = new data.DataLoader(new data.TensorDataset(images, labels), { batchSize, shuffle: true, seed });
  const bar = quiet ? null : new cliProgress.SingleBar({ format: `${label} |{bar}| {percentage}% | loss {loss} | acc {acc}`, hideCursor: true }, cliProgress.Presets.shades_classic);
  bar?.start(loader.length, 0, { loss: '-', acc: '-' });
  let total = 0;
  let correct = 0;
  let seen = 0;
  for (const [x, y] of loader) {
    const [loss, hits] = tidy(() => {
      const logits = model.call(x);
      const l = crossEntropy(logits, y);
      l.backward();
      optimizer.step();
      optimizer.zeroGrad();
      scheduler?.step();
      return [l.itemSync(), logits.argmax(1).eq(y).sum().itemSync()];
    });
    x.dispose();
    y.dispose();
    total += loss * y.shape[0];
    correct += hits;
    seen += y.shape[0];
    bar?.increment(1, { loss: (total / seen).toFixed(4), acc: ((100 * correct) / seen).toFixed(1) + '%' });
  }
  bar?.stop();
  return total / seen;
}

/** Fraction of `images` the model labels correctly. */
export function accuracy(model: nn.Module<[Tensor], Tensor>, images: Tensor, labels: Tensor, batchSize = 500): number {
  model.eval();
  let correct = 0;
  for (let start = 0; start < labels.shape[0]; start += batchSize) {
    const n = Math.min(batchSize, labels.shape[0] - start);
    correct += tidy(() =>
      noGrad(() => model.call(images.narrow(0, start, n)).argmax(1).eq(labels.narrow(0, start, n)).sum().itemSync()),
    );
  }
  return correct / labels.shape[0];
}
