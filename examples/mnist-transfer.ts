/**
 * Transfer learning on MNIST: pretrain the CNN on digits 0-4, then learn digits 5-9 from only
 * 500 labelled images, three ways:
 *   1. a new head on the frozen pretrained backbone,
 *   2. then the whole pretrained network fine-tuned,
 *   3. the same network trained from scratch on the same 500 images.
 * Both transfer runs beat training from scratch.
 *
 *   pnpm --filter @tessera/examples mnist-transfer
 */
import { manualSeed, type nn, optim, setBackend, type Tensor } from '@tessera/core';
import '@tessera/backend-cpu';
import { accuracy, DigitCnn, toTensors, trainEpoch } from './mnist-common.js';
import { loadDigits, sliceDigits } from './mnist-data.js';

export interface TransferOptions {
  pretrainSize?: number;
  pretrainEpochs?: number;
  labels?: number;
  fineTuneEpochs?: number;
  quiet?: boolean;
  log?: (line: string) => void;
}

export interface TransferResult {
  pretrainAccuracy: number;
  headOnly: number;
  fullFineTune: number;
  scratch: number;
}

function fit(model: nn.Module<[Tensor], Tensor>, params: Tensor[], x: Tensor, y: Tensor, epochs: number, lr: number, quiet: boolean, label: string): void {
  const optimizer = new optim.AdamW(params, { lr, weightDecay: 1e-4 });
  for (let e = 1; e <= epochs; e++) trainEpoch(model, optimizer, x, y, { batchSize: 32, seed: e, quiet, label: `${label} ${e}/${epochs}` });
}

export async function transferLearning({
  pretrainSize = 4000, pretrainEpochs = 2, labels = 500, fineTuneEpochs = 10, quiet = false, log = console.log,
}: TransferOptions = {}): Promise<TransferResult> {
  await setBackend('cpu');
  manualSeed(0);
  const low = loadDigits({ seed: 2, classes: [0, 1, 2, 3, 4] });
  const high = loadDigits({ seed: 3, classes: [5, 6, 7, 8, 9] });
  const [preX, preY] = toTensors(sliceDigits(low, 0, pretrainSize));
  const [preTestX, preTestY] = toTensors(sliceDigits(low, low.count - 1000, low.count));
  const [fewX, fewY] = toTensors(sliceDigits(high, 0, labels), 5);
  const [testX, testY] = toTensors(sliceDigits(high, high.count - 2000, high.count), 5);

  log(`pretraining on digits 0-4 (${pretrainSize} images)`);
  const model = new DigitCnn(5);
  fit(model, model.parameters(), preX, preY, pretrainEpochs, 3e-3, quiet, 'pretrain');
  const pretrainAccuracy = accuracy(model, preTestX, preTestY);
  log(`  accuracy on held-out 0-4: ${(100 * pretrainAccuracy).toFixed(2)}%`);

  log(`1. new head, frozen backbone, ${labels} labels of 5-9`);
  model.head = DigitCnn.makeHead(5);
  model.features.requiresGrad_(false);
  fit(model, model.head.parameters(), fewX, fewY, fineTuneEpochs, 3e-3, quiet, 'head');
  const headOnly = accuracy(model, testX, testY);
  log(`  accuracy on held-out 5-9: ${(100 * headOnly).toFixed(2)}%`);

  log('2. then the whole network fine-tuned');
  model.features.requiresGrad_(true);
  fit(model, model.parameters(), fewX, fewY, fineTuneEpochs, 5e-4, quiet, 'fine-tune');
  const fullFineTune = accuracy(model, testX, testY);
  log(`  accuracy on held-out 5-9: ${(100 * fullFineTune).toFixed(2)}%`);

  log(`3. the same network from scratch on the same ${labels} labels`);
  manualSeed(1);
  const fresh = new DigitCnn(5);
  fit(fresh, fresh.parameters(), fewX, fewY, fineTuneEpochs, 3e-3, quiet, 'scratch');
  const scratch = accuracy(fresh, testX, testY);
  log(`  accuracy on held-out 5-9: ${(100 * scratch).toFixed(2)}%`);
  log(`transfer beats scratch: head-only +${(100 * (headOnly - scratch)).toFixed(2)} points, full fine-tune +${(100 * (fullFineTune - scratch)).toFixed(2)} points`);

  for (const t of [preX, preY, preTestX, preTestY, fewX, fewY, testX, testY]) t.dispose();
  return { pretrainAccuracy, headOnly, fullFineTune, scratch };
}

if (import.meta.url === `file://${process.argv[1]}`) await transferLearning();
