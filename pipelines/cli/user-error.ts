// An error a person caused on the command line: the CLI prints its message alone (no stack) and
// exits with 1. The message says what to do.
export function userError(message: string): Error {
  return Object.assign(new Error(message), { userFacing: true })
}
