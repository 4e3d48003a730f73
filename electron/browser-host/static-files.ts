// The built renderer, served to the browser with the app's content security policy. The same
// path rules as the Electron shell's keyward:// handler (core/renderer-files.ts), plus a realpath
// check: this directory is on disk, never inside an asar, and a symlink must not lead out of it.
import { readFile, realpath } from 'node:fs/promises'
import type http from 'node:http'
import { sep } from 'node:path'
import { CONTENT_SECURITY_POLICY } from '../../shared/csp.ts'
import { rendererPath } from '../core/renderer-files.ts'
import { plain } from './http.ts'

/** Answers `path` from `rendererDir` (already a realpath): the file, 400 or 404. */
export async function serveFile(rendererDir: string, path: string, res: http.ServerResponse): Promise<void> {
  const notFound = (status: 400 | 404 = 404) => plain(res, status, status === 400 ? 'Bad request' : 'Not found')
  const found = rendererPath(rendererDir, path)
  if (!found.ok) return notFound(found.status)
  let real: string
  try {
    real = await realpath(found.file)
  } catch {
    return notFound()
  }
  if (!real.startsWith(rendererDir + sep)) return notFound()
  const body = await readFile(real).catch(() => null)
  if (!body) return notFound()
  res.writeHead(200, {
    'content-type': found.type,
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cache-control': 'no-cache',
  })
  res.end(body)
}
