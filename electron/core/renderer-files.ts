// Which file of the built renderer (out/renderer) a request path names, and
// its content type. One rule set for both ways the renderer is served: the
// Electron shell's `keyward://app/…` protocol handler and the browser host.
// Paths are resolved lexically after decoding: anything that decodes to a
// traversal, a backslash, a NUL, a hidden segment or an unknown file type is
// refused, so only the files Vite emitted can ever be served
// (electron.md §4a, Electron security checklist item 18).
import { extname, isAbsolute, relative, resolve, sep } from 'node:path'

export const MIME_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
}

export type RendererPath = { ok: true; file: string; type: string } | { ok: false; status: 400 | 404; reason: string }

/** The file under `rootDir` that URL path `pathname` names, or why none is served. */
export function rendererPath(rootDir: string, pathname: string): RendererPath {
  let decoded: string
  try {
    decoded = decodeURIComponent(pathname)
  } catch {
    return { ok: false, status: 400, reason: 'malformed percent-encoding' }
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return { ok: false, status: 400, reason: 'NUL or backslash' }
  const wanted = decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^\/+/, '')
  const segments = wanted.split('/')
  if (segments.some((s) => s === '' || s.startsWith('.'))) {
    return { ok: false, status: 404, reason: 'empty, relative or hidden path segment' }
  }
  const root = resolve(rootDir)
  const file = resolve(root, ...segments)
  const inside = relative(root, file)
  if (!inside || inside.startsWith('..') || isAbsolute(inside) || !file.startsWith(root + sep)) {
    return { ok: false, status: 404, reason: 'outside the renderer directory' }
  }
  const type = MIME_TYPES[extname(file).toLowerCase()]
  if (!type) return { ok: false, status: 404, reason: 'not a type the renderer ships' }
  return { ok: true, file, type }
}
