// Which failed inserts are the data's fault. The engine's error code decides (the `code` of
// @clickhouse/client's ClickHouseError, the same from a server and from chdb): a row it cannot
// parse or store fails again on every retry, so only those rows are set aside; anything else
// (no connection, timeouts, an overloaded or stopped engine) is waited out.

/** ClickHouse error codes (src/Common/ErrorCodes.cpp) raised by rows that can never be inserted. */
const DATA_ERROR_CODES = new Map<number, string>([
  [6, 'CANNOT_PARSE_TEXT'],
  [7, 'INCORRECT_NUMBER_OF_COLUMNS'],
  [25, 'CANNOT_PARSE_ESCAPE_SEQUENCE'],
  [26, 'CANNOT_PARSE_QUOTED_STRING'],
  [27, 'CANNOT_PARSE_INPUT_ASSERTION_FAILED'],
  [32, 'ATTEMPT_TO_READ_AFTER_EOF'],
  [33, 'CANNOT_READ_ALL_DATA'],
  [38, 'CANNOT_PARSE_DATE'],
  [41, 'CANNOT_PARSE_DATETIME'],
  [53, 'TYPE_MISMATCH'],
  [69, 'ARGUMENT_OUT_OF_BOUND'],
  [70, 'CANNOT_CONVERT_TYPE'],
  [72, 'CANNOT_PARSE_NUMBER'],
  [117, 'INCORRECT_DATA'],
  [128, 'TOO_LARGE_ARRAY_SIZE'],
  [130, 'CANNOT_READ_ARRAY_FROM_TEXT'],
  [131, 'TOO_LARGE_STRING_SIZE'],
  [190, 'SIZES_OF_ARRAYS_DONT_MATCH'],
  [306, 'TOO_DEEP_RECURSION'],
  [321, 'VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE'],
  [349, 'CANNOT_INSERT_NULL_IN_ORDINARY_COLUMN'],
  [376, 'CANNOT_PARSE_UUID'],
  [407, 'DECIMAL_OVERFLOW'],
  [441, 'CANNOT_PARSE_DOMAIN_VALUE_FROM_STRING'],
  [467, 'CANNOT_PARSE_BOOL'],
  [563, 'CANNOT_READ_MAP_FROM_TEXT'],
  [675, 'CANNOT_PARSE_IPV4'],
  [676, 'CANNOT_PARSE_IPV6'],
  [691, 'UNKNOWN_ELEMENT_OF_ENUM'],
])

function codeOf(err: unknown): number | undefined {
  const code = (err as { code?: unknown } | null)?.code
  return typeof code === 'string' && /^\d+$/.test(code) ? Number(code) : undefined
}

/**
 * A failure of Pulse's own work on a stored batch (the profile compute thread failed on it), not
 * of the engine: waiting for the engine cannot help, so the batch is redelivered with backoff and
 * counted toward --max-deliver instead of holding every batch behind it.
 */
export class ProcessingFailure extends Error {}

/** True when the engine refused the inserted rows themselves (retrying the same rows cannot help). */
export function isDataError(err: unknown): boolean {
  const code = codeOf(err)
  return code !== undefined && DATA_ERROR_CODES.has(code)
}

/** The engine's error in one line: code, name and the first line of its message. */
export function engineErrorText(err: unknown): string {
  const code = codeOf(err)
  const message = String((err as Error)?.message ?? err).split('\n')[0].trim()
  return code === undefined ? message : `Code ${code} ${DATA_ERROR_CODES.get(code) ?? (err as { type?: string }).type ?? ''}: ${message}`
}
