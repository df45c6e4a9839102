// A command's numeric option with its allowed range: shown in --help, and a value outside it ends
// the command with commander's one-line "option '--batch <n>' argument 'x' is invalid" and the range.
import { InvalidArgumentError, Option } from 'commander'
import { numberInRange, rangeText, type NumericRange } from '../numeric-range.ts'

export function numericOption(flags: string, description: string, range: NumericRange, defaultValue?: number): Option {
  const option = new Option(flags, `${description} (${rangeText(range)})`).argParser((raw: string) => {
    const n = numberInRange(raw, range)
    if (n === undefined) throw new InvalidArgumentError(`It must be ${rangeText(range)}.`)
    return n
  })
  return defaultValue === undefined ? option : option.default(defaultValue)
}

export const whole = (min: number, max = Infinity): NumericRange => ({ integer: true, min, max })
export const real = (min: number, max = Infinity): NumericRange => ({ integer: false, min, max })
