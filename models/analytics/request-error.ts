// A funnel (or other analysis) request that can never be answered as sent: `field` names the
// part of the body to fix (JSON path, e.g. `steps[1].filters[0].op`).
export class AnalysisRequestError extends Error {
  readonly field: string
  constructor(field: string, message: string) {
    super(`${field}: ${message}`)
    this.field = field
  }
}
