// The renderer is served from a privileged custom scheme, `keyward://app/…`,
// never from file:// (Electron security checklist item 18; electron.md §4a).
// With the `grantFileProtocolExtraPrivileges` fuse off (release builds), a
// file:// page inside app.asar gets neither the asar-aware loader nor
// same-directory module scripts, so the window would stay blank.
//
// This module imports no Electron runtime: the handler is a plain
// `(Request) => Promise<Response>` that `protocol.handle` accepts, so it is
// tested in Node against the real build output.
import { readFile } from 'node:fs/promises'
import { rendererPath } from '../core/renderer-files.ts'

export const RENDERER_SCHEME = 'keyward'
export const RENDERER_HOST = 'app'
/** With `standard: true` the page has this real origin, so CSP 'self', relative URLs and the IPC check use it. */
export const RENDERER_ORIGIN = `${RENDERER_SCHEME}://${RENDERER_HOST}`
export const RENDERER_ENTRY = `${RENDERER_ORIGIN}/index.html`

/**
 * For `protocol.registerSchemesAsPrivileged`, before `ready`. standard: a real
 * origin and relative URLs; secure: a secure context like https; supportFetchAPI:
 * module scripts load through fetch. Not bypassCSP, not corsEnabled, no service
 * workers, no streaming: nothing the renderer does needs them.
 */
export const RENDERER_PRIVILEGES = { standard: true, secure: true, supportFetchAPI: true } as const

export interface RendererHandlerOptions {
  /** The built renderer (out/renderer); inside app.asar in a packaged app. */
  rendererDir: string
  /** Sent as a header: unlike the <meta> copy it also enforces frame-ancestors. */
  csp: string
  /** Electron patches node:fs to read inside app.asar (electron.md §4a); tests may pass their own. */
  read?: (file: string) => Promise<Buffer>
}

const notFound = (status: number) =>
  new Response(status === 405 ? 'Method not allowed' : 'Not found', {
    status,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' },
  })

export function createRendererHandler(options: RendererHandlerOptions): (request: Request) => Promise<Response> {
  const read = options.read ?? ((file: string) => readFile(file))
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return notFound(405)
    let url: URL
    try {
      url = new URL(request.url)
    } catch {
      return notFound(400)
    }
    if (url.protocol !== `${RENDERER_SCHEME}:` || url.host !== RENDERER_HOST) return notFound(404)
    const found = rendererPath(options.rendererDir, url.pathname)
    if (!found.ok) return notFound(found.status)
    let body: Buffer
    try {
      body = await read(found.file)
    } catch {
      return notFound(404) // a directory, a missing file, an unreadable one: all the same to the page
    }
    return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), {
      status: 200,
      headers: {
        'content-type': found.type,
        'content-security-policy': options.csp,
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
        'cross-origin-opener-policy': 'same-origin',
        'cache-control': 'no-cache',
      },
    })
  }
}
