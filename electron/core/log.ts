// A small structured logger. Secrets must never reach a log line, so fields
// whose names look secret are replaced, and every string is checked against the
// vault's known secrets before it is written.
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void
  warn(message: string, fields?: Record<string, unknown>): void
  error(message: string, fields?: Record<string, unknown>): void
}

const SECRET_FIELD = /pass(word)?|token|secret|api[-_]?key|cookie|authorization|csrf/i

export function redact(value: unknown, isSecret: (s: string) => boolean, depth = 0): unknown {
  if (typeof value === 'string') return isSecret(value) ? '[redacted]' : value
  if (depth > 4 || value === null || typeof value !== 'object') return value
  if (Array.isArray(value)) return value.map((v) => redact(v, isSecret, depth + 1))
  if (value instanceof Error) return { name: value.name, message: redact(value.message, isSecret) }
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, SECRET_FIELD.test(k) ? '[redacted]' : redact(v, isSecret, depth + 1)]),
  )
}

/** Where a logger's finished (already redacted) lines go. */
export type LogSink = (line: string) => void

export const stderrSink: LogSink = (line) => {
  process.stderr.write(line + '\n')
}

/**
 * One sink that writes each line to all of `sinks` (e.g. stderr and the log
 * file), in order. A sink that throws is skipped for that line; the others
 * still get it, and the caller never sees the error.
 */
export function teeSink(...sinks: Array<LogSink | null | undefined>): LogSink {
  const targets = sinks.filter((sink): sink is LogSink => typeof sink === 'function')
  return (line) => {
    for (const sink of targets) {
      try {
        sink(line)
      } catch {
        // a broken sink must not silence the others, nor the code that logged
      }
    }
  }
}

export function createLogger(
  write: LogSink = stderrSink,
  isSecret: (s: string) => boolean = () => false,
): Logger {
  const emit = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    write(JSON.stringify({ t: new Date().toISOString(), level, message, ...(redact(fields ?? {}, isSecret) as object) }))
  return { info: emit('info'), warn: emit('warn'), error: emit('error') }
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} }
