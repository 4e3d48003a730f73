// Quitting waits, boundedly, for the work that must not be cut off: signing
// out of consoles and clearing a clipboard that still holds a Keyward secret.
// `before-quit` handlers are called synchronously and a returned promise is
// ignored (electron/electron#27201), so the handler prevents the quit at once,
// runs the work, and then exits; a second quit during the wait changes nothing
// (electron#17125 pattern; electron.md §6b). The wait is capped (3 s by
// default): a console that does not answer must not keep the app alive.
import type { App, Event } from 'electron'

export interface QuitGuardOptions {
  /** The work to finish before exiting. */
  finish: () => Promise<void>
  timeoutMs?: number
  log?: (message: string, fields?: Record<string, unknown>) => void
}

export type QuitState = 'running' | 'finishing' | 'done'

export function installQuitGuard(app: Pick<App, 'on' | 'exit'>, options: QuitGuardOptions): () => QuitState {
  let state: QuitState = 'running'
  const timeoutMs = options.timeoutMs ?? 3000
  app.on('before-quit', (event: Event) => {
    if (state === 'done') return
    event.preventDefault()
    if (state === 'finishing') return
    state = 'finishing'
    let timer: NodeJS.Timeout | undefined
    const deadline = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs)
    })
    const work = options.finish().then(
      () => 'finished' as const,
      (error: unknown) => {
        options.log?.('quit: clean-up failed', { error })
        return 'finished' as const
      },
    )
    void Promise.race([work, deadline]).then((how) => {
      clearTimeout(timer)
      if (how === 'timeout') options.log?.('quit: clean-up did not finish in time; exiting anyway', { timeoutMs })
      state = 'done'
      app.exit(0)
    })
  })
  return () => state
}
