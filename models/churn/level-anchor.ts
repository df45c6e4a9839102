// Updating the intercept ("calibration in the large", Steyerberg, Clinical Prediction Models): the
// shift of every log-odds that makes the mean probability equal a target. The order of the
// probabilities and their spread on the log-odds scale stay as they were.
import { sigmoid } from './logistic-regression.ts'

/** The shift d with mean(sigmoid(logit_i + d)) = target, by bisection (the mean grows with d). */
export function interceptShiftToMean(logits: readonly number[], target: number): number {
  if (!(target > 0 && target < 1)) throw new Error(`the target mean probability must be in (0, 1), got ${target}`)
  if (logits.length === 0) return 0
  const meanAt = (d: number) => logits.reduce((s, z) => s + sigmoid(z + d), 0) / logits.length
  let lo = -50
  let hi = 50
  for (let i = 0; i < 200 && hi - lo > 1e-12; i++) {
    const mid = (lo + hi) / 2
    if (meanAt(mid) < target) lo = mid
    else hi = mid
  }
  return (lo + hi) / 2
}
