// An error a client caused or must react to, with the status the SDKs understand
// (the SDKs: Segment drops a batch on 400 and retries 429/5xx; PostHog halves its batch on 413).
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
    /** The request body after decoding, when known: what a refused request's dead letter keeps. */
    readonly decodedBody?: Buffer,
  ) {
    super(message)
  }

  body(): { error: { code: string; message: string } } {
    return { error: { code: this.code, message: this.message } }
  }
}
