// A small structured logger. Secrets must never reach a log line, so fields
// whose names look secret are replaced, and every string is checked against the
// vault's known secrets before it is written.
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void
  warn(message: string, fields?: Record<string, unknown>): void
  error(message: string, fields?: Record<string, unknown>): void
}

const SECRET_FIELD = /pass(word)?|token|secret|api[-_]?key|cookie|authorization|csrf/i
/** Deeper than this, objects are replaced, never written unchecked (issue 14 §8). */
const MAX_DEPTH = 6
export const TOO_DEEP = '[nested too deep]'
export const REDACTED = '[redacted]'

export function redact(value: unknown, isSecret: (s: string) => boolean, depth = 0): unknown {
  if (typeof value === 'string') return isSecret(value) ? REDACTED : value
  if (typeof value === 'bigint') return String(value) // JSON.stringify would throw
  if (value === null || typeof value !== 'object') return value
  if (depth > MAX_DEPTH) return TOO_DEEP
  if (Array.isArray(value)) return value.map((v) => redact(v, isSecret, depth + 1))
  if (value instanceof Error) return { name: value.name, message: redactText(value.message, isSecret) }
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, SECRET_FIELD.test(k) ? REDACTED : redact(v, isSecret, depth + 1)]),
  )
}

/**
 * Free text (a log message) with the known secrets in it replaced: word by word
 * first, so "Bearer <key> refused" keeps its other words; if a secret still
 * matches (it spans words, or is glued to other text), the whole text goes.
 */
export function redactText(text: string, isSecret: (s: string) => boolean): string {
  if (!isSecret(text)) return text
  const words = text
    .split(/(\s+)/)
    .map((w) => (w.trim() !== '' && isSecret(w) ? REDACTED : w))
    .join('')
  return isSecret(words) ? REDACTED : words
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

export function createLogger(write: LogSink = stderrSink, isSecret: (s: string) => boolean = () => false): Logger {
  const emit = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    write(
      JSON.stringify({
        t: new Date().toISOString(),
        level,
        message: redactText(message, isSecret),
        ...(redact(fields ?? {}, isSecret) as object),
      }),
    )
  return { info: emit('info'), warn: emit('warn'), error: emit('error') }
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} }
