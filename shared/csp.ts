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
