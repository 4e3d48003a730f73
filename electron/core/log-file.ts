// The log on disk. A packaged app on macOS or Windows has no visible stderr, so
// the shell also writes every (already redacted) log line here, under userData.
// Writes are synchronous: the volume is low and a crash must not lose the last
// lines. Nothing here ever throws into the caller: a disk that fails is reported
// once on stderr and the file is given up for the rest of the run.
import { closeSync, fchmodSync, fstatSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs'
import { extname, join } from 'node:path'

export interface LogFileOptions {
  dir: string
  /** The current file; rotated copies are `<base>.1<ext>` … `<base>.<keep><ext>`. */
  name?: string
  /** Rotate before a line would make the current file larger than this. */
  maxBytes?: number
  /** How many rotated files to keep (0: none, the current file starts over). */
  keep?: number
  /** Where the one "the log file stopped" notice goes (default stderr). */
  report?: (message: string) => void
}

export interface LogFile {
  readonly dir: string
  readonly path: string
  write(line: string): void
  close(): void
}

export const LOG_FILE_DEFAULTS = { name: 'keyward.log', maxBytes: 1024 * 1024, keep: 3 } as const
const TRUNCATED = ' …[truncated]'

/** `keyward.log` → `keyward.2.log` (no extension: `name.2`). */
export function rotatedName(name: string, index: number): string {
  const ext = extname(name)
  return ext && ext !== name ? `${name.slice(0, -ext.length)}.${index}${ext}` : `${name}.${index}`
}

/** One line as bytes ending in "\n", cut (on a UTF-8 boundary, with a marker) to at most `maxBytes`. */
export function fitLine(line: string, maxBytes: number): Buffer {
  const bytes = Buffer.from(line.replace(/\r?\n$/, '') + '\n', 'utf8')
  if (bytes.length <= maxBytes) return bytes
  const marker = Buffer.from(TRUNCATED + '\n', 'utf8')
  const tail = marker.length < maxBytes ? marker : Buffer.from('\n')
  let cut = Math.max(0, maxBytes - tail.length)
  while (cut > 0 && (bytes[cut]! & 0xc0) === 0x80) cut-- // never split a character
  return Buffer.concat([bytes.subarray(0, cut), tail])
}

const errorText = (error: unknown): string => {
  const code = (error as { code?: unknown } | null)?.code
  const message = error instanceof Error ? error.message : String(error)
  return typeof code === 'string' && !message.includes(code) ? `${code}: ${message}` : message
}

/** A rotated file may be missing (fewer rotations so far, or deleted by hand). */
function moveIfThere(from: string, to: string): void {
  try {
    renameSync(from, to)
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'ENOENT') throw error
  }
}

function closeQuietly(fd: number | null): void {
  if (fd === null) return
  try {
    closeSync(fd)
  } catch {
    // closing is best effort: the descriptor is given up either way
  }
}

const toStderr = (message: string) => {
  try {
    process.stderr.write(message + '\n')
  } catch {
    // stderr itself is gone; nothing left to tell
  }
}

export function openLogFile(options: LogFileOptions): LogFile {
  const { dir } = options
  const name = options.name ?? LOG_FILE_DEFAULTS.name
  const maxBytes = Math.max(1, Math.floor(options.maxBytes ?? LOG_FILE_DEFAULTS.maxBytes))
  const keep = Math.max(0, Math.floor(options.keep ?? LOG_FILE_DEFAULTS.keep))
  const report = options.report ?? toStderr
  const path = join(dir, name)
  let fd: number | null = null
  let size = 0
  let state: 'open' | 'failed' | 'closed' = 'open'

  const giveUp = (what: string, error: unknown) => {
    closeQuietly(fd)
    fd = null
    state = 'failed'
    const why = errorText(error)
    report(`keyward: cannot ${what} the log file ${path} (${why}); logging to the file stops for this run.`)
  }

  const open = () => {
    fd = openSync(path, 'a', 0o600)
    if (process.platform !== 'win32') fchmodSync(fd, 0o600) // an older, looser file is tightened too
    size = fstatSync(fd).size
  }

  // Oldest first: keyward.{keep}.log is dropped, each other moves up one, the current becomes .1.
  const nth = (i: number) => join(dir, rotatedName(name, i))
  const rotate = () => {
    if (fd !== null) closeSync(fd)
    fd = null
    if (keep === 0) {
      rmSync(path, { force: true })
    } else {
      rmSync(nth(keep), { force: true })
      for (let i = keep - 1; i >= 1; i--) moveIfThere(nth(i), nth(i + 1))
      moveIfThere(path, nth(1))
    }
    open()
  }

  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 })
    open()
  } catch (error) {
    giveUp('open', error)
  }

  return {
    dir,
    path,
    write(line: string) {
      if (state !== 'open' || fd === null) return
      const bytes = fitLine(line, maxBytes)
      try {
        if (size > 0 && size + bytes.length > maxBytes) rotate()
        for (let done = 0; done < bytes.length;) done += writeSync(fd!, bytes, done, bytes.length - done)
        size += bytes.length
      } catch (error) {
        giveUp('write to', error)
      }
    },
    close() {
      closeQuietly(fd)
      fd = null
      if (state === 'open') state = 'closed'
    },
  }
}
