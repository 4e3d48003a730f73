// The CLI end of a simulator: start it, act on SIGTERM/SIGINT (exit 0 after
// closing), and print one JSON line once it is ready. A signal that arrives
// while it is starting is acted on when start-up has finished, so a simulator's
// certificate temp dir is always removed (process.exit would skip its finally).
export async function serve<R extends { close(): Promise<void> }>(
  start: () => Promise<R>,
  options: { fail: (message: string) => never; where: string; ready: (running: R) => Record<string, unknown> },
): Promise<R> {
  let running: R | undefined
  let starting = true
  let stopping = false
  const stop = async (): Promise<void> => {
    stopping = true
    if (starting) return
    await running?.close()
    process.exit(0)
  }
  process.on('SIGTERM', () => void stop())
  process.on('SIGINT', () => void stop())
  try {
    running = await start()
  } catch (err) {
    options.fail(`cannot listen on ${options.where}: ${(err as Error).message}`)
  }
  starting = false
  if (stopping) await stop()
  process.stdout.write(`${JSON.stringify({ ready: true, ...options.ready(running) })}\n`)
  return running
}
