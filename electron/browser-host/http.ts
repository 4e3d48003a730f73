// Small HTTP helpers of the browser host: answers, a capped body reader, and URL parsing that
// never throws (any web page can reach a loopback port: issue 14 §8).
import type http from 'node:http'
import type { Outcome } from '../../shared/result.ts'

/** `decodeURIComponent` that answers null for malformed percent-encoding instead of throwing. */
export function safeDecode(text: string): string | null {
  try {
    return decodeURIComponent(text)
  } catch {
    return null
  }
}

/** The path of a request target, or null when it does not parse (`new URL` throws on e.g. `http://[`). */
export function requestPath(target: string | undefined): string | null {
  try {
    return new URL(target ?? '/', 'http://placeholder').pathname
  } catch {
    return null
  }
}

export function send(res: http.ServerResponse, status: number, body: Outcome<unknown>): void {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  })
  res.end(text)
}

export function plain(res: http.ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' }).end(text)
}

/** Reads a body up to the limit. Over the limit we stop buffering; the caller answers 413 and closes. */
export function readBody(req: http.IncomingMessage, maxBody: number): Promise<string | null> {
  return new Promise<string | null>((resolve) => {
    if (Number(req.headers['content-length'] ?? 0) > maxBody) {
      req.resume() // discard what is already on its way
      return resolve(null)
    }
    const chunks: Buffer[] = []
    let size = 0
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size > maxBody) {
        req.off('data', onData)
        req.resume()
        resolve(null)
        return
      }
      chunks.push(chunk)
    }
    req.on('data', onData)
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', () => resolve(null))
  })
}
