// Connection faults for client robustness tests: the next request matching a rule has its
// TCP connection destroyed, either before the handler runs (nothing changed on the console)
// or after the handler changed state but before any byte of the reply is sent (e.g. "the
// connection died after the user was created, before the key was minted").
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { PendingFault, SimulatorState } from './state.ts'

export interface FaultSpec {
  /** HTTP method, or '*' for any. */
  method: string
  /** Exact pathname, or a RegExp tested against the pathname. */
  path: string | RegExp
  when: 'before' | 'after'
  /** Which listener: the console (default) or the Access API port. */
  server?: 'console' | 'access'
}

/** Queues a one-shot fault; the promise resolves when a request triggered it. */
export function queueFault(state: SimulatorState, spec: FaultSpec): Promise<void> {
  return new Promise((resolve) => state.faults.push({ ...spec, fired: resolve }))
}

/** Removes and returns the first queued fault matching this request. */
export function takeFault(
  state: SimulatorState,
  server: 'console' | 'access',
  method: string,
  pathname: string,
): PendingFault | undefined {
  const index = state.faults.findIndex(
    (f) =>
      (f.server ?? 'console') === server &&
      (f.method === '*' || f.method.toUpperCase() === method) &&
      (typeof f.path === 'string'
        ? f.path === pathname
        : new RegExp(f.path.source, f.path.flags.replace('g', '')).test(pathname)),
  )
  if (index < 0) return undefined
  return state.faults.splice(index, 1)[0]
}

/** Lets the handler run to completion but swallows its reply and kills the connection instead. */
export function sabotageReply(req: IncomingMessage, res: ServerResponse, fired: () => void): void {
  const kill = (): ServerResponse => {
    req.socket.destroy()
    fired()
    return res
  }
  Object.assign(res, {
    writeHead: () => res,
    flushHeaders: () => undefined,
    write: () => true,
    end: kill,
  })
}
