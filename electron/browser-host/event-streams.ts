// The open `/api/events` streams (Server-Sent Events), capped: a tab beyond the cap is refused
// with 503 and `retry-after`, so a page that opens streams in a loop cannot take the host down.
import type http from 'node:http'
import { fail } from '../../shared/result.ts'
import { send } from './http.ts'

export const DEFAULT_MAX_EVENT_STREAMS = 16
/** A comment line this often keeps proxies and the browser from closing an idle stream. */
const HEARTBEAT_MS = 15_000

/** One SSE frame: `event: <name>` and the payload as JSON; throws when the payload does not serialize. */
export function eventFrame(name: string, payload: unknown): string {
  return `event: ${name}\ndata: ${JSON.stringify(payload)}\n\n`
}

export class EventStreams {
  readonly #max: number
  readonly #open = new Set<http.ServerResponse>()

  constructor(max: number = DEFAULT_MAX_EVENT_STREAMS) {
    this.#max = max
  }

  get size(): number {
    return this.#open.size
  }

  /** Answers the request with a stream that stays open until the client goes, or 503 over the cap. */
  open(req: http.IncomingMessage, res: http.ServerResponse): void {
    if (this.#open.size >= this.#max) {
      res.setHeader('retry-after', '5')
      return send(res, 503, fail('refused', `Too many open event streams (${this.#max}); close other Keyward tabs.`))
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    })
    res.write(': connected\n\n')
    this.#open.add(res)
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS)
    heartbeat.unref()
    const done = () => {
      clearInterval(heartbeat)
      this.#open.delete(res)
    }
    req.on('close', done)
    res.on('error', done)
  }

  /** Writes one frame to every open stream. */
  broadcast(frame: string): void {
    for (const res of this.#open) res.write(frame)
  }

  /** Ends every stream (the host is closing). */
  endAll(): void {
    for (const res of this.#open) res.end()
  }
}
