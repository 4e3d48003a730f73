// The renderer's Content Security Policy, one copy for every place that sends
// it: the Electron session (electron/shell/window.ts) and the browser host.
// renderer/index.html carries the same policy in a meta tag; a test keeps the
// two equal. No remote content, no inline script or style, no eval.
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ')

// A CSP nonce is a base64 (or base64url) value; anything else could break out of the policy.
const NONCE = /^[A-Za-z0-9+/_-]{16,}={0,2}$/
// HMR endpoints: a ws:/wss: origin and nothing more (no path, no wildcard, no separator).
const WS_ORIGIN = /^wss?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$|^wss?:\/\/\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/

/**
 * The renderer's policy for the Vite dev server only (`electron-vite dev`, build/dev-csp.ts); never for a build.
 *
 * In serve mode @vitejs/plugin-react injects an inline `<script type="module">` preamble and Vite injects every
 * CSS import as a `<style>` element, both of which the production policy blocks: the window stays blank
 * (../shared/reference/electron.md §4a "Dev mode vs a strict CSP"). Instead of 'unsafe-inline' this allows
 * exactly the elements that carry Vite's per-start `html.cspNonce`: Vite stamps it on the preamble and on the
 * tags it writes into index.html, and its client copies it from `<meta property="csp-nonce">` onto each `<style>`
 * it creates (CSS imports, HMR updates, the error overlay).
 *
 * Everything else is the production policy: `default-src 'none'` (so no objects, frames, workers or media),
 * `base-uri 'none'`, `form-action 'none'`, no eval, no remote origin. `connect-src` also names the HMR
 * websocket origin(s). `frame-ancestors` is dropped because this policy travels in a `<meta>`, where Chromium
 * ignores that directive and logs an error about it.
 */
export function devContentSecurityPolicy(options: { nonce: string; hmrOrigins?: readonly string[] }): string {
  const { nonce, hmrOrigins = [] } = options
  if (!NONCE.test(nonce)) throw new Error('devContentSecurityPolicy: the nonce must be base64, 16 characters or more')
  for (const origin of hmrOrigins) {
    if (!WS_ORIGIN.test(origin)) throw new Error(`devContentSecurityPolicy: not a ws:/wss: origin: ${origin}`)
  }
  const extra: Record<string, readonly string[]> = {
    'script-src': [`'nonce-${nonce}'`],
    'style-src': [`'nonce-${nonce}'`],
    'connect-src': [...new Set(hmrOrigins)],
  }
  return CONTENT_SECURITY_POLICY.split('; ')
    .filter((directive) => !directive.startsWith('frame-ancestors '))
    .map((directive) => [directive, ...(extra[directive.split(' ')[0]!] ?? [])].join(' '))
    .join('; ')
}
