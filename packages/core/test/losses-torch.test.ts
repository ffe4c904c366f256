import { describe, expect, it } from 'vitest';
import { createCpuBackend } from '@tessera/backend-cpu';
import {
  binaryCrossEntropy, binaryCrossEntropyWithLogits, crossEntropy, DTypeError, huberLoss, klDiv, l1Loss,
  logSoftmax, mseLoss, nllLoss, ShapeError, softmax, sigmoid, smoothL1Loss, type Tensor, tensor, use, ValueError,
} from '@tessera/core';
import { det, expectClose } from './nn-helpers.js';

/*
 * Golden values: PyTorch 1.13 (/usr/bin/python3), `det` as in nn-helpers.ts, and
 *   def out(name, t): print the flattened values
 *   def g(name, f, *xs):  # value, and d(sum(value * det(shape, 9)))/dx for non-scalar values
 *       xs = [x.clone().requires_grad_() for x in xs]; y = f(*xs); out(name, y)
 *       if y.dim() > 0: y = (y * det(list(y.shape), 9)).sum()
 *       y.backward(); out(name + '_dx', xs[0].grad)
 * import torch.nn.functional as F
 * def g(name, f, *xs):
 *     xs = [x.clone().requires_grad_() for x in xs]
 *     y = f(*xs)
 *     out(name, y)
 *     if y.dim() > 0: y = (y * det(list(y.shape), 9)).sum()
 *     y.backward()
 *     out(name + '_dx', xs[0].grad)
 * x = det([3, 4], 0); t = det([3, 4], 1, 1.5)
 * for red in ['mean', 'sum', 'none']:
 *     g('mse_'+red, lambda a: F.mse_loss(a, t, reduction=red), x)
 *     g('l1_'+red, lambda a: F.l1_loss(a, t, reduction=red), x)
 * g('huber_d05', lambda a: F.huber_loss(a, t, delta=0.5), x)
 * g('huber_none', lambda a: F.huber_loss(a, t, reduction='none'), x)
 * g('smoothl1_b05', lambda a: F.smooth_l1_loss(a, t, beta=0.5), x)
 * g('smoothl1_none', lambda a: F.smooth_l1_loss(a, t, reduction='none', beta=2.0), x)
 * # cross entropy
 * logits = det([4, 5], 0, 2.0)
 * tgt = torch.tensor([1, 0, 4, 2])
 * tgt_ign = torch.tensor([1, -100, 4, 2])
 * w = torch.tensor([0.5, 1.0, 2.0, 1.5, 0.3])
 * g('ce', lambda a: F.cross_entropy(a, tgt), logits)
 * g('ce_sum', lambda a: F.cross_entropy(a, tgt, reduction='sum'), logits)
 * g('ce_none', lambda a: F.cross_entropy(a, tgt, reduction='none'), logits)
 * g('ce_w', lambda a: F.cross_entropy(a, tgt, weight=w), logits)
 * g('ce_w_ign', lambda a: F.cross_entropy(a, tgt_ign, weight=w), logits)
 * g('ce_w_ign_ls', lambda a: F.cross_entropy(a, tgt_ign, weight=w, label_smoothing=0.2), logits)
 * g('ce_ls_none', lambda a: F.cross_entropy(a, tgt_ign, label_smoothing=0.1, reduction='none'), logits)
 * g('ce_ign7', lambda a: F.cross_entropy(a, torch.tensor([1, 7, 7, 2]), ignore_index=7), logits)
 * # K-dim: logits [2, 3, 2, 2], target [2, 2, 2]
 * lk = det([2, 3, 2, 2], 3, 1.5)
 * tk = torch.tensor([[[0, 2], [1, 1]], [[2, -100], [0, 1]]])
 * g('ce_kdim_w', lambda a: F.cross_entropy(a, tk, weight=w[:3]), lk)
 * g('ce_kdim_none', lambda a: F.cross_entropy(a, tk, reduction='none', label_smoothing=0.3), lk)
 * # probs
 * p = torch.softmax(det([4, 5], 5, 1.0), 1)
 * g('ce_prob', lambda a: F.cross_entropy(a, p), logits)
 * g('ce_prob_w_ls', lambda a: F.cross_entropy(a, p, weight=w, label_smoothing=0.2), logits)
 * g('ce_prob_none', lambda a: F.cross_entropy(a, p, reduction='none'), logits)
 * # unbatched
 * g('ce_unbatched', lambda a: F.cross_entropy(a, torch.tensor(3)), det([5], 2))
 * # nll
 * lp = torch.log_softmax(det([4, 5], 4, 1.0), 1)
 * g('nll_w_ign', lambda a: F.nll_loss(a, tgt_ign, weight=w), lp)
 * g('nll_sum', lambda a: F.nll_loss(a, tgt, reduction='sum'), lp)
 * # bce
 * pr = torch.sigmoid(det([2, 3], 0, 2.0)); y = (det([2, 3], 7) > 0).float() * 0.8 + 0.1
 * bw = torch.tensor([1.0, 2.0, 0.5])
 * g('bce', lambda a: F.binary_cross_entropy(a, y), pr)
 * g('bce_w_none', lambda a: F.binary_cross_entropy(a, y, weight=bw, reduction='none'), pr)
 * g('bce_edges', lambda a: F.binary_cross_entropy(a, torch.tensor([1.0, 0.0, 1.0, 0.0])), torch.tensor([0.0, 1.0, 1.0, 0.0]))
 * z = det([2, 3], 0, 4.0)
 * g('bcel', lambda a: F.binary_cross_entropy_with_logits(a, y), z)
 * g('bcel_pw_w', lambda a: F.binary_cross_entropy_with_logits(a, y, weight=bw, pos_weight=torch.tensor([2.0, 0.5, 1.0])), z)
 * g('bcel_big', lambda a: F.binary_cross_entropy_with_logits(a, torch.tensor([1.0, 0.0, 0.0, 1.0]), reduction='none'), torch.tensor([100.0, -100.0, 100.0, 0.0]))
 * # kl
 * inp = torch.log_softmax(det([3, 4], 2), 1)
 * tp = torch.softmax(det([3, 4], 6, 2.0), 1); tp[0, 1] = 0.0
 * g('kl_batchmean', lambda a: F.kl_div(a, tp, reduction='batchmean'), inp)
 * g('kl_mean', lambda a: F.kl_div(a, tp, reduction='mean'), inp)
 * g('kl_none', lambda a: F.kl_div(a, tp, reduction='none'), inp)
 * g('kl_log', lambda a: F.kl_div(a, torch.log_softmax(det([3, 4], 6, 2.0), 1), reduction='sum', log_target=True), inp)
 */
const G: Record<string, number[]> = {
  mse_mean: [0.81117016],
  mse_mean_dx: [-0.21036774, -0.02583327, 0.19654702, 0.13098547, -0.1264701, -0.19864666, 0.02019459, 0.20945072, 0.091861062, -0.16030528, -0.17762399, 0.065276854],
  l1_mean: [0.80678135],
  l1_mean_dx: [-0.083333336, -0.083333336, 0.083333336, 0.083333336, -0.083333336, -0.083333336, 0.083333336, 0.083333336, 0.083333336, -0.083333336, -0.083333336, 0.083333336],
  mse_sum: [9.7340422],
  mse_sum_dx: [-2.5244129, -0.30999923, 2.3585641, 1.5718256, -1.5176412, -2.38376, 0.24233508, 2.5134087, 1.1023327, -1.9236633, -2.1314878, 0.78332222],
  l1_sum: [9.6813765],
  l1_sum_dx: [-1, -1, 1, 1, -1, -1, 1, 1, 1, -1, -1, 1],
  mse_none: [1.593165, 0.02402488, 1.3907062, 0.61765897, 0.5758087, 1.4205779, 0.014681573, 1.5793058, 0.30378434, 0.92512006, 1.1358101, 0.15339842],
  mse_none_dx: [-1.0403572, 0.23798202, -1.940694, 0.51473272, -1.5146464, -0.4921689, -0.21508864, -1.7124199, 0.5765925, -1.8489342, 0.018866459, -0.75660163],
  l1_none: [1.2622064, 0.15499961, 1.1792821, 0.78591281, 0.75882059, 1.19188, 0.12116754, 1.2567043, 0.55116636, 0.96183163, 1.0657439, 0.39166111],
  l1_none_dx: [-0.41211849, 0.76768583, -0.82282859, 0.32747445, -0.99802667, -0.20646748, -0.88756704, -0.68131375, 0.52306575, -0.96115273, 0.0088513093, -0.96588814],
  huber_d05: [0.28981885],
  huber_d05_dx: [-0.041666668, -0.012916635, 0.041666668, 0.041666668, -0.041666668, -0.041666668, 0.010097295, 0.041666668, 0.041666668, -0.041666668, -0.041666668, 0.032638427],
  huber_none: [0.76220644, 0.01201244, 0.67928207, 0.30882949, 0.28790435, 0.69187999, 0.0073407865, 0.75670433, 0.15189217, 0.46256003, 0.56574392, 0.076699212],
  huber_none_dx: [-0.41211849, 0.11899101, -0.82282859, 0.25736636, -0.75732321, -0.20646748, -0.10754432, -0.68131375, 0.28829625, -0.92446709, 0.0088513093, -0.37830082],
  smoothl1_b05: [0.57963771],
  smoothl1_b05_dx: [-0.083333336, -0.02583327, 0.083333336, 0.083333336, -0.083333336, -0.083333336, 0.02019459, 0.083333336, 0.083333336, -0.083333336, -0.083333336, 0.065276854],
  smoothl1_none: [0.39829126, 0.0060062199, 0.34767655, 0.15441474, 0.14395218, 0.35514447, 0.0036703933, 0.39482644, 0.075946085, 0.23128001, 0.28395253, 0.038349606],
  smoothl1_none_dx: [-0.26008931, 0.059495505, -0.48517349, 0.12868318, -0.3786616, -0.12304223, -0.053772159, -0.42810497, 0.14414813, -0.46223354, 0.0047166147, -0.18915041],
  ce: [2.1800244],
  ce_dx: [0.02252838, -0.095237419, 0.063166782, 0.0056930361, 0.0038492042, -0.21569961, 0.16435079, 0.042229254, 0.0042599756, 0.0048595676, 0.051684942, 0.16051322, 0.027669752, 0.0034784414, -0.24334633, 0.075330369, 0.14379579, -0.23194306, 0.0031173173, 0.0096995737],
  ce_sum: [8.7200975],
  ce_sum_dx: [0.090113521, -0.38094968, 0.25266713, 0.022772145, 0.015396817, -0.86279845, 0.65740317, 0.16891702, 0.017039903, 0.01943827, 0.20673977, 0.64205289, 0.11067901, 0.013913766, -0.97338533, 0.30132148, 0.57518315, -0.92777222, 0.012469269, 0.038798295],
  ce_none: [0.47956869, 1.9863044, 3.6262939, 2.6279304],
  ce_none_dx: [0.037137449, -0.15699641, 0.1041288, 0.0093848221, 0.006345313, 0.66235816, -0.50467908, -0.12967519, -0.013081292, -0.014922485, -0.17011139, -0.52829945, -0.091069855, -0.011448644, 0.80092931, 0.098675087, 0.18835779, -0.30382168, 0.0040833671, 0.01270545],
  ce_w: [2.0569658],
  ce_w_dx: [0.023714086, -0.10024992, 0.066491351, 0.0059926696, 0.0040517938, -0.11352612, 0.086500421, 0.022225924, 0.0022420925, 0.0025576672, 0.016321562, 0.05068839, 0.0087378165, 0.0010984553, -0.07684622, 0.15859026, 0.302728, -0.48830119, 0.0065627736, 0.020420156],
  ce_w_ign: [2.067672],
  ce_w_ign_dx: [0.027307129, -0.1154393, 0.076565802, 0.00690065, 0.0046657021, 0, 0, 0, 0, 0, 0.018794525, 0.058368444, 0.010061729, 0.0012648879, -0.088489585, 0.18261908, 0.34859586, -0.5622862, 0.0075571332, 0.023514118],
  ce_w_ign_ls: [2.1202421],
  ce_w_ign_ls_dx: [0.021574209, -0.064703345, 0.053242166, -0.01119836, 0.0010853269, 0, 0, 0, 0, 0, 0.022256475, 0.075820573, -0.0090827541, -0.016276054, -0.07271824, 0.15939227, 0.30370662, -0.46943128, -0.011335055, 0.017667426],
  ce_ls_none: [0.67596674, 0, 3.5060978, 2.6054261],
  ce_ls_none_dx: [0.028895076, -0.12402692, 0.095886417, 0.0011424517, -0.0018970572, 0, 0, 0, 0, 0, -0.15365481, -0.51184285, -0.074613273, 0.0050079292, 0.73510295, 0.092125587, 0.18180828, -0.27762371, -0.0024661222, 0.0061559603],
  ce_ign7: [1.5537496],
  ce_ign7_dx: [0.04505676, -0.19047484, 0.12633356, 0.011386072, 0.0076984083, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.15066074, 0.28759158, -0.46388611, 0.0062346347, 0.019399147],
  ce_kdim_w: [1.1535175],
  ce_kdim_w_dx: [-0.053274959, 0.013452246, 0.038278248, 0.095590867, 0.030610329, 0.047497071, -0.10234507, -0.10455074, 0.022664627, -0.060949326, 0.064066827, 0.0089598736, 0.13351752, 0, -0.040895492, 0.0083635673, 0.045014989, 0, 0.031111823, -0.085765347, -0.17853253, 0, 0.0097836629, 0.07740178],
  ce_kdim_none: [1.7034149, 0.68186748, 1.5515308, 1.7386732, 1.2359442, 0, 1.1050147, 1.245376],
  ce_kdim_none_dx: [-0.26886582, 0.035460189, -0.16968861, 0.21768108, 0.16062945, -0.06908273, 0.50913388, -0.20840667, 0.10823633, 0.033622582, -0.33944523, -0.0092744064, 0.4332135, 0, 0.40324643, 0.022545673, 0.079901971, 0, -0.35306454, 0.33120212, -0.51311553, 0, -0.050181795, -0.35374779],
  ce_prob: [2.1663682],
  ce_prob_dx: [0.0070219534, 0.1136221, -0.043328263, -0.061073344, -0.016242443, 0.017446296, 0.11336458, -0.067646988, -0.050511178, -0.012652733, 0.032595463, 0.097993001, -0.080535658, -0.040828753, -0.0092240274, 0.052935496, 0.068680458, -0.083703607, -0.032572091, -0.0053402642],
  ce_prob_w_ls: [3.0504904],
  ce_prob_w_ls_dx: [0.020107253, 0.17217582, -0.10260322, -0.087207504, -0.0024723923, 0.03576589, 0.17684403, -0.13731262, -0.074825138, -0.00047224009, 0.057812832, 0.1587697, -0.15541367, -0.063427381, 0.0022585564, 0.085871048, 0.12046818, -0.15888752, -0.053696174, 0.0062444671],
  ce_prob_none: [2.1597259, 2.1692338, 2.171802, 2.164711],
  ce_prob_none_dx: [0.011575507, 0.18730307, -0.071425505, -0.10067783, -0.026775245, -0.053573098, -0.34811351, 0.20772652, 0.15510686, 0.038853295, -0.1072819, -0.32252574, 0.26506817, 0.13438027, 0.030359175, 0.069340087, 0.089964382, -0.10964317, -0.042666115, -0.0069952002],
  ce_unbatched: [2.2619166],
  ce_unbatched_dx: [0.37578332, 0.12927859, 0.056037676, -0.89584935, 0.3347497],
  nll_w_ign: [1.5965867],
  nll_w_ign_dx: [0, -0.30303031, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -0.090909094, 0, 0, -0.60606062, 0, 0],
  nll_sum: [8.3981152],
  nll_sum_dx: [0, -1, 0, 0, 0, -1, 0, 0, 0, 0, 0, 0, 0, 0, -1, 0, 0, -1, 0, 0],
  bce: [0.58266336],
  bce_dx: [-0.26666668, -0.040673994, 0.54797059, 0.10528605, 0.061416756, -0.2052592],
  bce_w_none: [Math.LN2, 0.65722317, 0.61646008, 0.3628585, 0.66885924, 0.2720066],
  bce_w_none_dx: [-0.65938967, 0.37469816, -1.3526576, 0.20687094, 0.73554671, -0.12713805],
  bce_edges: [50],
  bce_edges_dx: [-2.5e+11, 2.5e+11, 0, 0],
  bcel: [0.70550543],
  bcel_dx: [-0.06666667, 0.01320831, 0.13119252, -0.0066622416, -0.011939142, -0.032873195],
  bcel_pw_w: [0.72406942],
  bcel_pw_w_dx: [-0.14166667, 0.029529145, 0.06559626, -0.022328466, -0.00768437, -0.016436597],
  bcel_big: [0, 0, 100, Math.LN2],
  bcel_big_dx: [0, -0, -0.82282859, -0.16373722],
  kl_batchmean: [1.0451521],
  kl_batchmean_dx: [-0.017658565, -0, -0.1341349, -0.012366361, -0.0043735686, -0.027147664, -0.20465508, -0.097157016, -0.010253876, -0.0059221787, -0.049581781, -0.26757553],
  kl_mean: [0.26128802],
  kl_mean_dx: [-0.0044146413, -0, -0.033533726, -0.0030915902, -0.0010933921, -0.0067869159, -0.05116377, -0.024289254, -0.0025634689, -0.0014805447, -0.012395445, -0.066893883],
  kl_none: [-0.12538135, 0, 0.62929749, -0.053416677, -0.044913206, -0.13048682, 0.97179347, 0.42726487, -0.047873922, -0.056440677, -0.11843275, 1.6840457],
  kl_none_dx: [-0.021832263, 0, 0.33111009, -0.012149001, -0.013094814, -0.016815329, 0.54493529, 0.19858323, -0.016090352, -0.017076354, 0.001316591, 0.77534407],
  kl_log: [3.6226635],
  kl_log_dx: [-0.052975699, -0.50752056, -0.40240467, -0.037099075, -0.013120704, -0.081442982, -0.61396521, -0.29147106, -0.030761626, -0.01776653, -0.14874536, -0.80272657]
};

// Before the describe blocks build their inputs.
use(createCpuBackend());

/** Check value and gradient of `f(x)` against G[name] and G[name + '_dx'], like `g` in the Python snippet. */
function check(name: string, f: (x: Tensor) => Tensor, x: Tensor, tol = {}): void {
  const leaf = x.detach().requiresGrad_(true);
  const y = f(leaf);
  expectClose(y, G[name], tol);
  (y.rank > 0 ? y.mul(det(y.shape, 9)).sum() : y).backward();
  expectClose(leaf.grad!, G[`${name}_dx`], tol);
}

const int = (v: unknown) => tensor(v as number[], { dtype: 'int32' });

describe('regression losses match PyTorch', () => {
  const x = det([3, 4], 0);
  const t = det([3, 4], 1, 1.5);
  for (const reduction of ['mean', 'sum', 'none'] as const) {
    it(`mseLoss and l1Loss with reduction '${reduction}'`, () => {
      check(`mse_${reduction}`, (a) => mseLoss(a, t, { reduction }), x);
      check(`l1_${reduction}`, (a) => l1Loss(a, t, { reduction }), x);
    });
  }
  it('huberLoss with delta, smoothL1Loss with beta', () => {
    check('huber_d05', (a) => huberLoss(a, t, { delta: 0.5 }), x);
    check('huber_none', (a) => huberLoss(a, t, { reduction: 'none' }), x);
    check('smoothl1_b05', (a) => smoothL1Loss(a, t, { beta: 0.5 }), x);
    check('smoothl1_none', (a) => smoothL1Loss(a, t, { reduction: 'none', beta: 2 }), x);
  });
  it('throw ShapeError on mismatched shapes and DTypeError on integer targets', () => {
    expect(() => mseLoss(x, det([4, 3], 0))).toThrow(ShapeError);
    expect(() => mseLoss(x, det([4, 3], 0))).toThrow('mseLoss: input [3, 4] and target [4, 3] must have the same shape');
    expect(() => l1Loss(x, x.int())).toThrow(DTypeError);
    expect(() => mseLoss(x, t, { reduction: 'avg' as 'mean' })).toThrow(ValueError);
  });
});

describe('crossEntropy and nllLoss match PyTorch', () => {
  const logits = det([4, 5], 0, 2);
  const tgt = int([1, 0, 4, 2]);
  const tgtIgn = int([1, -100, 4, 2]);
  const w = tensor([0.5, 1.0, 2.0, 1.5, 0.3]);
  it('class-index targets: mean, sum, none', () => {
    check('ce', (a) => crossEntropy(a, tgt), logits);
    check('ce_sum', (a) => crossEntropy(a, tgt, { reduction: 'sum' }), logits);
    check('ce_none', (a) => crossEntropy(a, tgt, { reduction: 'none' }), logits);
  });
  it('class weights give the weighted mean over non-ignored targets', () => {
    check('ce_w', (a) => crossEntropy(a, tgt, { weight: w }), logits);
    check('ce_w_ign', (a) => crossEntropy(a, tgtIgn, { weight: w }), logits);
    check('ce_ign7', (a) => crossEntropy(a, int([1, 7, 7, 2]), { ignoreIndex: 7 }), logits);
  });
  it('label smoothing, with weights and ignored targets', () => {
    check('ce_w_ign_ls', (a) => crossEntropy(a, tgtIgn, { weight: w, labelSmoothing: 0.2 }), logits);
    check('ce_ls_none', (a) => crossEntropy(a, tgtIgn, { labelSmoothing: 0.1, reduction: 'none' }), logits);
  });
  it('K-dimensional inputs [N, C, d1, d2] with targets [N, d1, d2]', () => {
    const lk = det([2, 3, 2, 2], 3, 1.5);
    const tk = int([[[0, 2], [1, 1]], [[2, -100], [0, 1]]]);
    check('ce_kdim_w', (a) => crossEntropy(a, tk, { weight: tensor([0.5, 1.0, 2.0]) }), lk);
    check('ce_kdim_none', (a) => crossEntropy(a, tk, { reduction: 'none', labelSmoothing: 0.3 }), lk);
  });
  it('probability targets, with weights and label smoothing', () => {
    const p = softmax(det([4, 5], 5, 1), 1);
    check('ce_prob', (a) => crossEntropy(a, p), logits);
    check('ce_prob_w_ls', (a) => crossEntropy(a, p, { weight: w, labelSmoothing: 0.2 }), logits);
    check('ce_prob_none', (a) => crossEntropy(a, p, { reduction: 'none' }), logits);
  });
  it('an unbatched input [C] with a 0-d target', () => {
    check('ce_unbatched', (a) => crossEntropy(a, tensor(3, { dtype: 'int32' })), det([5], 2));
  });
  it('nllLoss on log-probabilities', () => {
    const lp = logSoftmax(det([4, 5], 4, 1), 1);
    check('nll_w_ign', (a) => nllLoss(a, tgtIgn, { weight: w }), lp);
    check('nll_sum', (a) => nllLoss(a, tgt, { reduction: 'sum' }), lp);
  });
  it('an out-of-range target throws a ValueError naming the loss, the target and the class count', () => {
    expect(() => crossEntropy(logits, int([1, 5, 0, 0]))).toThrow(ValueError);
    expect(() => crossEntropy(logits, int([1, 5, 0, 0]))).toThrow(/^crossEntropy: target 5 is out of range for 5 classes/);
    expect(() => nllLoss(logits, int([-1, 0, 0, 0]))).toThrow(/nllLoss: target -1 is out of range for 5 classes/);
  });
  it('throws ShapeError and DTypeError on bad targets and weights', () => {
    expect(() => crossEntropy(logits, int([1, 2, 3]))).toThrow(ShapeError);
    expect(() => crossEntropy(logits, int([1, 2, 3]))).toThrow('expected class indices of shape [4]');
    expect(() => crossEntropy(logits, det([4, 4], 0))).toThrow(ShapeError);
    expect(() => crossEntropy(logits, tgt.bool())).toThrow(DTypeError);
    expect(() => crossEntropy(logits.int(), tgt)).toThrow(DTypeError);
    expect(() => crossEntropy(logits, tgt, { weight: tensor([1, 2]) })).toThrow(ShapeError);
  });
});

describe('binary losses and klDiv match PyTorch', () => {
  const pr = sigmoid(det([2, 3], 0, 2));
  const y = det([2, 3], 7).gt(0).float().mul(0.8).add(0.1);
  const bw = tensor([1.0, 2.0, 0.5]);
  it('binaryCrossEntropy, weighted, and at the clamped edges 0 and 1', () => {
    check('bce', (a) => binaryCrossEntropy(a, y), pr);
    check('bce_w_none', (a) => binaryCrossEntropy(a, y, { weight: bw, reduction: 'none' }), pr);
    check('bce_edges', (a) => binaryCrossEntropy(a, tensor([1, 0, 1, 0])), tensor([0, 1, 1, 0]));
    expect(() => binaryCrossEntropy(tensor([0.5, 1.5]), tensor([0, 1]))).toThrow(ValueError);
  });
  it('binaryCrossEntropyWithLogits with posWeight and weight, stable for large logits', () => {
    const z = det([2, 3], 0, 4);
    check('bcel', (a) => binaryCrossEntropyWithLogits(a, y), z);
    check('bcel_pw_w', (a) => binaryCrossEntropyWithLogits(a, y, { weight: bw, posWeight: tensor([2, 0.5, 1]) }), z);
    check('bcel_big', (a) => binaryCrossEntropyWithLogits(a, tensor([1, 0, 0, 1]), { reduction: 'none' }), tensor([100, -100, 100, 0]));
  });
  it('klDiv: batchmean, mean, none, and logTarget; zero targets contribute zero', () => {
    const inp = logSoftmax(det([3, 4], 2), 1);
    const tpData = Array.from(softmax(det([3, 4], 6, 2), 1).dataSync());
    tpData[1] = 0;
    const tp = tensor(new Float32Array(tpData), { shape: [3, 4] });
    check('kl_batchmean', (a) => klDiv(a, tp, { reduction: 'batchmean' }), inp);
    check('kl_mean', (a) => klDiv(a, tp, { reduction: 'mean' }), inp);
    check('kl_none', (a) => klDiv(a, tp, { reduction: 'none' }), inp);
    check('kl_log', (a) => klDiv(a, logSoftmax(det([3, 4], 6, 2), 1), { reduction: 'sum', logTarget: true }), inp);
  });
});
